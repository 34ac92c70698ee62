"use client";

import type { CallLogPageDto } from "@/lib/calls/dto";
import type { CallOutcomeFilter } from "@/lib/validation/call-log";
import { CallLogTable } from "@/components/calls/call-log-table";

/** "Recent calls" of a connection on its summary page (docs/product.md §10): who made each call. */
export function RecentCalls({ data, outcome }: { data: CallLogPageDto; outcome: CallOutcomeFilter }) {
  return (
    <CallLogTable
      caption="Recent calls"
      data={data}
      outcome={outcome}
      column={{ header: "Caller", cell: (row) => row.callerName }}
      countNote={data.onlyOwnCalls ? " made by you" : ""}
      emptyText="No calls yet."
    />
  );
}
