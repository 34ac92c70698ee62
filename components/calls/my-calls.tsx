"use client";

import Link from "next/link";
import type { OwnCallsPageDto } from "@/lib/calls/dto";
import type { CallOutcomeFilter } from "@/lib/validation/call-log";
import { CallLogTable } from "./call-log-table";

/**
 * "My calls" (docs/product.md §10): the signed-in user's own calls, each by its
 * connection's link name, a link to the summary page only where they may open it.
 */
export function MyCalls({ data, outcome }: { data: OwnCallsPageDto; outcome: CallOutcomeFilter }) {
  return (
    <CallLogTable
      caption="My calls"
      data={data}
      outcome={outcome}
      column={{
        header: "Connection",
        cell: (row) =>
          row.connectionId ? (
            <Link href={`/connections/${row.connectionId}`} className="font-mono text-xs text-brand-700 underline">
              {row.linkName}
            </Link>
          ) : (
            <span className="font-mono text-xs">{row.linkName}</span>
          ),
      }}
      emptyText="You have not made any calls through a connection yet."
    />
  );
}
