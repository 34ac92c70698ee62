import { useId } from "react";

/**
 * The hosts a credential is ever sent to, listed before anyone gives one (docs/product.md §5).
 * Its own id per copy: the "User Permissions" dialog shows one over the form's.
 */
export function CredentialHosts({ hosts }: { hosts: string[] }) {
  const labelId = useId();
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
      <p id={labelId} className="font-medium text-slate-800">
        Your credential is only ever sent to
      </p>
      {hosts.length ? (
        <ul aria-labelledby={labelId} className="mt-1 flex flex-wrap gap-x-3 gap-y-1 font-mono text-xs">
          {hosts.map((host) => (
            <li key={host}>{host}</li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-xs">No host: this service cannot be called yet.</p>
      )}
    </div>
  );
}
