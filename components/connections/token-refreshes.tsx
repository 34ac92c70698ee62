import { refreshOutcomeLabels, type TokenRefreshDto } from "@/lib/calls/dto";
import { LocalTime } from "@/components/local-time";
import { TableHeader } from "@/components/ui/table-header";

/** "Token refreshes" of a connection (docs/product.md §10): when, the outcome, the provider's error code. */
export function TokenRefreshes({ refreshes }: { refreshes: TokenRefreshDto[] }) {
  if (refreshes.length === 0) return <p className="text-sm text-slate-600">No token refreshes yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="sr-only">Token refreshes</caption>
        <TableHeader columns={["Time", "Outcome", "Provider error"]} />
        <tbody>
          {refreshes.map((r) => (
            <tr key={r.id} className="border-t border-slate-100">
              <td className="px-4 py-2">
                <LocalTime iso={r.at} />
              </td>
              <td className={`px-4 py-2 ${r.outcome === "refreshed" ? "text-green-800" : "text-red-700"}`}>
                {refreshOutcomeLabels[r.outcome]}
              </td>
              <td className="px-4 py-2 font-mono text-xs">{r.providerError ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
