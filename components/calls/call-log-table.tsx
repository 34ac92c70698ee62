"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import type { CallDto } from "@/lib/calls/dto";
import { callOutcomeLabels, callOutcomes, type CallOutcomeFilter } from "@/lib/validation/call-log";
import { LocalTime } from "@/components/local-time";
import { Pager } from "@/components/pager";
import { TableHeader } from "@/components/ui/table-header";

function statusText(row: CallDto): string {
  return row.status !== null ? String(row.status) : (row.errorCode ?? "—");
}

function statusTone(row: CallDto): string {
  return row.status !== null && row.status < 400 ? "text-green-800" : "text-red-700";
}

function durationText(row: CallDto): string {
  const total = row.appMs + (row.upstreamMs ?? 0);
  return row.upstreamMs === null
    ? `${total} ms (app ${row.appMs} ms)`
    : `${total} ms (app ${row.appMs} ms, upstream ${row.upstreamMs} ms)`;
}

export type CallLogPage<Row extends CallDto> = { rows: Row[]; total: number; page: number; pageSize: number };

/**
 * A table of calls with the "Call status" filter (docs/product.md §10), paged and filtered
 * on the server through the URL (calls_page, calls_outcome), so a filtered page can be
 * linked to. The second column says who made the call ("Recent calls") or through which
 * connection ("My calls").
 */
export function CallLogTable<Row extends CallDto>({
  caption,
  data,
  outcome,
  column,
  countNote = "",
  emptyText,
}: {
  caption: string;
  data: CallLogPage<Row>;
  outcome: CallOutcomeFilter;
  column: { header: string; cell: (row: Row) => React.ReactNode };
  /** Said after the number of calls, e.g. " made by you". */
  countNote?: string;
  /** The empty state when no filter is set. */
  emptyText: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  // Checked at once, while the filtered page loads; the page keys this component by outcome, so it starts afresh after.
  const [selected, setSelected] = useState(outcome);
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));

  function navigate(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(`calls_${k}`);
      else next.set(`calls_${k}`, v);
    }
    startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
  }

  return (
    <div className="space-y-3" aria-busy={pending || undefined}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div role="radiogroup" aria-label="Call status" className="flex items-center gap-4 text-sm">
          <span aria-hidden className="text-slate-600">
            Status:
          </span>
          {callOutcomes.map((value) => (
            <label key={value} className="inline-flex items-center gap-1.5">
              <input
                type="radio"
                name="calls-outcome"
                value={value}
                checked={selected === value}
                onChange={() => {
                  setSelected(value);
                  navigate({ outcome: value === "all" ? undefined : value, page: undefined });
                }}
              />
              {callOutcomeLabels[value]}
            </label>
          ))}
        </div>
        <p className="text-xs text-slate-500" aria-live="polite">
          {data.total} call{data.total === 1 ? "" : "s"}
          {countNote}
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">{caption}</caption>
          <TableHeader columns={["Time", column.header, "Method", "URL", "Status", "Duration"]} />
          <tbody>
            {data.rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-600">
                  {outcome === "all" ? emptyText : `No ${callOutcomeLabels[outcome].toLowerCase()} calls.`}
                </td>
              </tr>
            ) : (
              data.rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-100">
                  <td className="px-4 py-2 whitespace-nowrap">
                    <LocalTime iso={row.at} />
                  </td>
                  <td className="px-4 py-2">{column.cell(row)}</td>
                  <td className="px-4 py-2 font-mono text-xs">{row.method}</td>
                  <td className="max-w-md truncate px-4 py-2 font-mono text-xs" title={row.url}>
                    {row.url}
                  </td>
                  <td className={`px-4 py-2 font-medium ${statusTone(row)}`}>{statusText(row)}</td>
                  <td className="px-4 py-2 whitespace-nowrap text-slate-700">{durationText(row)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Pager label={`${caption} pages`} page={data.page} pages={pages} onPage={(p) => navigate({ page: String(p) })} />
    </div>
  );
}
