"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { createAccessTokenAction, revokeAccessTokenAction } from "@/lib/actions/access-tokens";
import { CopyButton } from "@/components/copy-button";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import type { AccessTokenDto } from "@/lib/auth/access-tokens";

export function AccessTokens({ tokens }: { tokens: AccessTokenDto[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<string>();
  const [revoking, setRevoking] = useState<AccessTokenDto>();

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setPending(true);
    const result = await createAccessTokenAction({ name });
    setPending(false);
    if (!result.ok) {
      setError(result.fieldErrors?.name?.[0] ?? result.message);
      return;
    }
    setError(undefined);
    setName("");
    setCreated(result.data.token);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <form onSubmit={create} className="flex max-w-xl items-end gap-2" noValidate>
        <TextField
          className="flex-1"
          label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error}
          placeholder="e.g. nightly sync script"
        />
        <Button type="submit" pending={pending}>
          Create token
        </Button>
      </form>
      {created ? (
        <div role="status" className="space-y-2 rounded-lg border border-green-200 bg-green-50 p-4 text-sm">
          <p className="font-medium text-green-900">Copy your new token now: it is shown only once.</p>
          <div className="flex items-center gap-2">
            <code aria-label="New token" className="rounded bg-white px-2 py-1 font-mono text-xs break-all">
              {created}
            </code>
            <CopyButton text={created} label="Copy token" />
          </div>
        </div>
      ) : null}
      <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="sr-only">Personal access tokens</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Token
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Created
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Last used
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={5} className="px-4 py-6 text-center text-slate-600">
                No tokens yet.
              </td>
            </tr>
          ) : (
            tokens.map((t) => (
              <tr key={t.id} className="border-t border-slate-100">
                <td className="px-4 py-2">{t.name}</td>
                <td className="px-4 py-2 font-mono text-xs">{t.displayPrefix}…</td>
                <td className="px-4 py-2">
                  <LocalTime iso={t.createdAt} />
                </td>
                <td className="px-4 py-2">{t.lastUsedAt ? <LocalTime iso={t.lastUsedAt} /> : "Never"}</td>
                <td className="px-4 py-2 text-right">
                  {t.revokedAt ? (
                    <span className="text-slate-500">Revoked</span>
                  ) : (
                    <Button size="sm" variant="secondary" onClick={() => setRevoking(t)}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <ConfirmDialog
        open={revoking !== undefined}
        onOpenChange={(o) => !o && setRevoking(undefined)}
        title={`Revoke ${revoking?.name ?? "token"}?`}
        description="Scripts using this token stop working at once."
        confirmLabel="Revoke"
        danger
        pending={pending}
        onConfirm={async () => {
          if (!revoking) return;
          setPending(true);
          const result = await revokeAccessTokenAction({ id: revoking.id });
          setPending(false);
          setRevoking(undefined);
          if (result.ok) toast.success("Token revoked");
          else toast.error(result.message);
          router.refresh();
        }}
      />
    </div>
  );
}
