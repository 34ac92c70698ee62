import { connectionHealthLabels, type ConnectionHealth } from "@/lib/validation/connections";

const tones: Record<ConnectionHealth, string> = {
  connected: "bg-green-50 text-green-800 ring-green-200",
  expires_soon: "bg-amber-50 text-amber-800 ring-amber-200",
  needs_reauth: "bg-amber-50 text-amber-800 ring-amber-200",
  failing: "bg-red-50 text-red-700 ring-red-200",
  revoked: "bg-red-50 text-red-700 ring-red-200",
  not_connected: "bg-slate-100 text-slate-700 ring-slate-200",
};

/** The asking user's credential's health (docs/product.md §10). */
export function StatusBadge({ health }: { health: ConnectionHealth }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${tones[health]}`}>
      {connectionHealthLabels[health]}
    </span>
  );
}
