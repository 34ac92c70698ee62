/** The hosts a credential is ever sent to, listed before anyone gives one (docs/product.md §5). */
export function CredentialHosts({ hosts }: { hosts: string[] }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
      <p id="credential-hosts-label" className="font-medium text-slate-800">
        Your credential is only ever sent to
      </p>
      {hosts.length ? (
        <ul aria-labelledby="credential-hosts-label" className="mt-1 flex flex-wrap gap-x-3 gap-y-1 font-mono text-xs">
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
