import "server-only";
import { inArray, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog, tokenRefreshes } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * The call-log retention purge (docs/architecture.md "Background jobs"): deletes `call_log`
 * and `token_refreshes` rows older than CONNECTIONS_CALL_LOG_DAYS, in bounded batches so
 * one run never holds a long lock on a large table.
 */
export const CALL_LOG_PURGE_EVERY_MINUTES = 60;
const BATCH = 5_000;

type Purgeable = typeof callLog | typeof tokenRefreshes;

async function purgeOlder(db: Db, table: Purgeable, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const victims = db.select({ id: table.id }).from(table).where(lt(table.createdAt, cutoff)).limit(BATCH);
    const deleted = await db.delete(table).where(inArray(table.id, victims)).returning({ id: table.id });
    total += deleted.length;
    if (deleted.length < BATCH) return total;
  }
}

/** Deletes the call-log and token-refresh rows past the retention; returns how many rows went. */
export async function purgeCallLog(db: Db, options: { now?: Date; days?: number } = {}): Promise<number> {
  const days = options.days ?? env().CONNECTIONS_CALL_LOG_DAYS;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  return (await purgeOlder(db, callLog, cutoff)) + (await purgeOlder(db, tokenRefreshes, cutoff));
}

/** The job function: `(db, payload)`, run by lib/jobs and directly by tests. */
export async function callLogRetentionJob(db: Db, _payload: Record<string, unknown> = {}): Promise<void> {
  await purgeCallLog(db);
}
