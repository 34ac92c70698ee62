import "server-only";
import { inArray, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * The call-log retention purge (docs/architecture.md "Background jobs"): deletes `call_log`
 * rows older than CONNECTIONS_CALL_LOG_DAYS, in bounded batches so one run never holds a
 * long lock on a large table.
 */
export const CALL_LOG_PURGE_EVERY_MINUTES = 60;
const BATCH = 5_000;

export async function purgeCallLog(db: Db, options: { now?: Date; days?: number } = {}): Promise<number> {
  const days = options.days ?? env().CONNECTIONS_CALL_LOG_DAYS;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  let total = 0;
  for (;;) {
    const victims = db.select({ id: callLog.id }).from(callLog).where(lt(callLog.createdAt, cutoff)).limit(BATCH);
    const deleted = await db.delete(callLog).where(inArray(callLog.id, victims)).returning({ id: callLog.id });
    total += deleted.length;
    if (deleted.length < BATCH) return total;
  }
}

/** The job function: `(db, payload)`, run by lib/jobs and directly by tests. */
export async function callLogRetentionJob(db: Db, _payload: Record<string, unknown> = {}): Promise<void> {
  await purgeCallLog(db);
}
