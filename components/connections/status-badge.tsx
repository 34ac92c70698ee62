import { connectionStatusLabels, type ConnectionStatus } from "@/lib/connections/dto";

const tones: Record<ConnectionStatus, string> = {
  connected: "bg-green-50 text-green-800 ring-green-200",
  not_connected: "bg-slate-100 text-slate-700 ring-slate-200",
  needs_reauth: "bg-amber-50 text-amber-800 ring-amber-200",
};

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${tones[status]}`}>
      {connectionStatusLabels[status]}
    </span>
  );
}
