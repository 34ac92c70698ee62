"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { setServiceAppAction } from "@/lib/actions/oauth-apps";
import { Button } from "@/components/ui/button";
import { Modal } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";

/** Configure one default service's OAuth client; the secret is write-only (blank keeps the stored one). */
export function ServiceAppConfigure({
  service,
  current,
  callbackUrl,
  clientCredentials,
}: {
  service: { linkName: string; name: string };
  current?: { clientId: string; membersMayConnect: boolean };
  /** The service's own redirect URI; none for the client credentials grant. */
  callbackUrl?: string;
  clientCredentials: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    const result = await setServiceAppAction({
      serviceLinkName: service.linkName,
      clientId: String(data.get("clientId") ?? ""),
      clientSecret: String(data.get("clientSecret") ?? ""),
      membersMayConnect: clientCredentials && data.get("membersMayConnect") === "on",
    });
    setPending(false);
    if (!result.ok) {
      setFieldErrors(result.fieldErrors ?? {});
      setError(result.fieldErrors ? undefined : result.message);
      return;
    }
    toast.success(`${service.name} is configured`);
    setOpen(false);
    router.refresh();
  }

  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)} aria-label={`Configure ${service.name}`}>
        Configure
      </Button>
      <Modal
        open={open}
        onOpenChange={(o) => !pending && setOpen(o)}
        title={`${service.name} OAuth app`}
        description="The OAuth client your organization registered with the service."
      >
        <form onSubmit={submit} className="space-y-4" noValidate>
          {callbackUrl ? (
            <div className="space-y-1 text-sm">
              <p className="font-medium text-slate-800">Callback URL to register</p>
              <code className="block rounded bg-slate-100 px-2 py-1 text-xs break-all">{callbackUrl}</code>
            </div>
          ) : null}
          <TextField
            name="clientId"
            label="Client ID"
            defaultValue={current?.clientId ?? ""}
            autoComplete="off"
            error={fieldErrors.clientId?.[0]}
          />
          <TextField
            name="clientSecret"
            label="Client Secret"
            type="password"
            autoComplete="new-password"
            placeholder={current ? "•••••••• (set; leave blank to keep)" : ""}
            hint={current ? "A secret is set. Leave blank to keep it." : undefined}
            error={fieldErrors.clientSecret?.[0]}
          />
          {clientCredentials ? (
            <div className="flex items-start gap-2">
              <input
                id={`members-may-connect-${service.linkName}`}
                name="membersMayConnect"
                type="checkbox"
                defaultChecked={current?.membersMayConnect ?? false}
                className="mt-1"
                aria-describedby={`members-may-connect-${service.linkName}-hint`}
              />
              <div>
                <label htmlFor={`members-may-connect-${service.linkName}`} className="text-sm font-medium text-slate-800">
                  Members may connect with this app
                </label>
                <p id={`members-may-connect-${service.linkName}-hint`} className="text-xs text-slate-600">
                  A client credentials token acts as the organization itself. Unchecked, only admins can connect it.
                </p>
              </div>
            </div>
          ) : null}
          <FormError message={error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" pending={pending}>
              Save
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
