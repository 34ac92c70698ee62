import "server-only";
import { and, gte, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { callLog } from "@/db/schema";
import type { CallOutcomeFilter } from "@/lib/validation/call-log";

/** An answer below 400 succeeded; an error status, or no answer at all (our error code), failed (docs/product.md §10). */
export const succeeded = and(sql`${callLog.status} is not null`, lt(callLog.status, 400));
export const failed = or(isNull(callLog.status), gte(callLog.status, 400));

/** The "Call status" filter as a condition on call_log; none for "All". */
export function outcomeIs(outcome: CallOutcomeFilter): SQL | undefined {
  return outcome === "succeeded" ? succeeded : outcome === "failed" ? failed : undefined;
}
