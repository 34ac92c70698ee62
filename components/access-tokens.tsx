"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { createAccessTokenAction, revokeAccessTokenAction } from "@/lib/actions/access-tokens";
import { CopyButton } from "@/components/copy-button";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import type { AccessTokenDto, CallableConnectionDto } from "@/lib/auth/access-tokens";
import { tokenLifetimeLabels } from "@/lib/validation/access-tokens";
import { TableHeader } from "@/components/ui/table-header";

const lifetimeOptions = ["30", "90", "365", "never"].map((value) => ({ value, label: tokenLifetimeLabels[value] }));

export function AccessTokens({ tokens, connections }: { tokens: AccessTokenDto[]; connections: CallableConnectionDto[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [lifetime, setLifetime] = useState("90");
  const [restrictTo, setRestrictTo] = useState<string[]>([]);
  const linkNameOf = new Map(connections.map((c) => [c.id, c.linkName]));
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<string>();
  const [revoking, setRevoking] = useState<AccessTokenDto>();

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setPending(true);
    const result = await createAccessTokenAction({
      name,
      expiresInDays: lifetime === "never" ? null : (Number(lifetime) as 30 | 90 | 365),
      connectionIds: restrictTo,
    });
    setPending(false);
    if (!result.ok) {
      setError(result.fieldErrors?.name?.[0] ?? result.message);
      return;
    }
    setError(undefined);
    setName("");
    setRestrictTo([]);
    setCreated(result.data.token);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <form onSubmit={create} className="max-w-xl space-y-4" noValidate>
        <div className="flex items-end gap-2">
          <TextField
            className="flex-1"
            label="Token name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={error}
            placeholder="e.g. nightly sync script"
          />
          <SelectField label="Expires" options={lifetimeOptions} value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
        </div>
        {connections.length ? (
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium text-slate-800">Only these connections</legend>
            <p className="text-xs text-slate-600">Leave all unticked to let the token call every connection you may call.</p>
            <div className="grid gap-1 sm:grid-cols-2">
              {connections.map((c) => (
                <label key={c.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={restrictTo.includes(c.id)}
                    onChange={(e) =>
                      setRestrictTo((current) => (e.target.checked ? [...current, c.id] : current.filter((id) => id !== c.id)))
                    }
                  />
                  <span>
                    {c.name} <code className="font-mono text-xs text-slate-600">{c.linkName}</code>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
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
        <TableHeader
          columns={[
            "Name",
            "Token",
            "Created",
            "Last used",
            "Expires",
            "Connections",
            { label: "Actions", visuallyHidden: true },
          ]}
        />
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-4 py-6 text-center text-slate-600">
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
                <td className="px-4 py-2">{t.expiresAt ? <LocalTime iso={t.expiresAt} /> : "Never"}</td>
                <td className="px-4 py-2 font-mono text-xs">
                  {t.connectionIds ? t.connectionIds.map((id) => linkNameOf.get(id) ?? "(deleted)").join(", ") : "All"}
                </td>
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
