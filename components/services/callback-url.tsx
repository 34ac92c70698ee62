import { CopyButton } from "@/components/copy-button";

/** The redirect URI to register with the provider (docs/architecture.md "OAuth flows"). */
export function CallbackUrl({ url }: { url: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor="service-callback-url" className="block text-sm font-medium text-slate-800">
        Callback URL
      </label>
      <div className="flex items-center gap-2">
        <input
          id="service-callback-url"
          value={url}
          readOnly
          className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-700"
        />
        <CopyButton text={url} label="Copy the callback URL" />
      </div>
      <p className="text-xs text-slate-500">Register this URL with the provider as the redirect (callback) URL.</p>
    </div>
  );
}
