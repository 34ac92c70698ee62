import "server-only";
import { and, eq, gte, inArray, lt, notExists, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog, connections, tokenRefreshes } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * The call-log retention purge (docs/architecture.md "Background jobs"): deletes `call_log`
 * and `token_refreshes` rows older than CONNECTIONS_CALL_LOG_DAYS, in bounded batches so
 * one run never holds a long lock on a large table. It also removes the recent calls of
 * connections that no longer exist: call_log has no foreign keys (db/schema.ts), and a batch
 * written while its connection was being deleted outlives it.
 */
export const CALL_LOG_PURGE_EVERY_MINUTES = 60;
const BATCH = 5_000;

type Purgeable = typeof callLog | typeof tokenRefreshes;

/** Orphans are only ever written in the instant of a deletion: the last runs' window is enough. */
const ORPHAN_WINDOW_MS = 3 * CALL_LOG_PURGE_EVERY_MINUTES * 60_000;

async function purgeWhere(db: Db, table: Purgeable, where: SQL | undefined): Promise<number> {
  let total = 0;
  for (;;) {
    const victims = db.select({ id: table.id }).from(table).where(where).limit(BATCH);
    const deleted = await db.delete(table).where(inArray(table.id, victims)).returning({ id: table.id });
    total += deleted.length;
    if (deleted.length < BATCH) return total;
  }
}

/** Deletes the call-log and token-refresh rows past the retention; returns how many rows went. */
export async function purgeCallLog(db: Db, options: { now?: Date; days?: number } = {}): Promise<number> {
  const days = options.days ?? env().CONNECTIONS_CALL_LOG_DAYS;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const orphans = and(
    gte(callLog.createdAt, new Date(now.getTime() - ORPHAN_WINDOW_MS)),
    notExists(db.select({ id: connections.id }).from(connections).where(eq(connections.id, callLog.connectionId))),
  );
  return (
    (await purgeWhere(db, callLog, lt(callLog.createdAt, cutoff))) +
    (await purgeWhere(db, tokenRefreshes, lt(tokenRefreshes.createdAt, cutoff))) +
    (await purgeWhere(db, callLog, orphans))
  );
}

/** The job function: `(db, payload)`, run by lib/jobs and directly by tests. */
export async function callLogRetentionJob(db: Db, _payload: Record<string, unknown> = {}): Promise<void> {
  await purgeCallLog(db);
}
