import "server-only";
import { and, asc, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { executedRows } from "@/db/client";
import { callLog, connections, tokenRefreshes } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * The call-log retention purge (docs/architecture.md "Call log", "Retention"): deletes `call_log`
 * and `token_refreshes` rows older than CONNECTIONS_CALL_LOG_DAYS, in bounded batches so one
 * run never holds a long lock on a large table. It also removes the calls of connections that
 * no longer exist: call_log has no foreign keys (db/schema.ts), and a batch written while its
 * connection was being deleted outlives it.
 */
export const CALL_LOG_PURGE_EVERY_MINUTES = 60;
const BATCH = 5_000;

/**
 * call_log has no index on created_at (each index is paid on every call written, and on PGlite
 * on the serving thread), so the purge walks its primary key instead: ids grow in the order
 * batches are written, and a batch holds calls of the last moments. Calls are stamped by the
 * clock of the instance that served them, so ids and times may disagree by the clocks' skew;
 * the walk goes on past calls within the retention until it meets one this much newer than the
 * cutoff, and a call stamped older still behind it goes at a later run. A stamp further ahead
 * of this instance's own clock than that is a clock gone wrong: it neither stops the walk nor,
 * being newer than the cutoff, goes.
 */
const OUT_OF_ORDER_MS = 60 * 60_000;

type PurgeOptions = {
  now?: Date;
  days?: number;
  batch?: number;
  /** VACUUM the whole database afterwards: PGlite runs no autovacuum (see callLogRetentionJob). */
  vacuum?: boolean;
};

async function purgeCallsByAge(db: Db, now: Date, cutoff: Date, batch: number): Promise<number> {
  const stopFrom = cutoff.getTime() + OUT_OF_ORDER_MS;
  const stopUntil = now.getTime() + OUT_OF_ORDER_MS;
  const stopsTheWalk = (at: Date) => at.getTime() >= stopFrom && at.getTime() <= stopUntil;
  let after = 0;
  let total = 0;
  for (;;) {
    const rows = await db
      .select({ id: callLog.id, createdAt: callLog.createdAt })
      .from(callLog)
      .where(gt(callLog.id, after))
      .orderBy(asc(callLog.id))
      .limit(batch);
    if (rows.length === 0) return total;
    const last = rows[rows.length - 1].id;
    if (rows.some((row) => row.createdAt < cutoff)) {
      const deleted = await db
        .delete(callLog)
        .where(and(gt(callLog.id, after), lte(callLog.id, last), lt(callLog.createdAt, cutoff)))
        .returning({ id: callLog.id });
      total += deleted.length;
    }
    if (rows.length < batch || rows.some((row) => stopsTheWalk(row.createdAt))) return total;
    after = last;
  }
}

/** token_refreshes is small (one row per renewal) and keeps its index on created_at. */
async function purgeRefreshesByAge(db: Db, cutoff: Date, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const victims = db
      .select({ id: tokenRefreshes.id })
      .from(tokenRefreshes)
      .where(lt(tokenRefreshes.createdAt, cutoff))
      .limit(batch);
    const deleted = await db
      .delete(tokenRefreshes)
      .where(inArray(tokenRefreshes.id, victims))
      .returning({ id: tokenRefreshes.id });
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}

/**
 * The connections that have calls but no longer exist: the distinct connection ids of call_log,
 * read by skipping from one to the next along call_log_connection_idx (one index descent per
 * connection, whatever its number of calls), less those still in `connections`.
 */
async function goneConnections(db: Db): Promise<string[]> {
  const result = await db.execute(sql`with recursive logged(id) as (
      (select connection_id from ${callLog} order by connection_id limit 1)
      union all
      select (select c.connection_id from ${callLog} c where c.connection_id > logged.id order by c.connection_id limit 1)
      from logged where logged.id is not null
    )
    select logged.id from logged
    where logged.id is not null and not exists (select 1 from ${connections} where ${connections.id} = logged.id)`);
  return executedRows<{ id: string }>(result).map((row) => String(row.id));
}

async function purgeOrphans(db: Db, batch: number): Promise<number> {
  let total = 0;
  for (const connectionId of await goneConnections(db)) {
    for (;;) {
      const victims = db.select({ id: callLog.id }).from(callLog).where(eq(callLog.connectionId, connectionId)).limit(batch);
      const deleted = await db.delete(callLog).where(inArray(callLog.id, victims)).returning({ id: callLog.id });
      total += deleted.length;
      if (deleted.length < batch) break;
    }
  }
  return total;
}

/** Deletes the call-log and token-refresh rows past the retention; returns how many rows went. */
export async function purgeCallLog(db: Db, options: PurgeOptions = {}): Promise<number> {
  const days = options.days ?? env().CONNECTIONS_CALL_LOG_DAYS;
  const now = options.now ?? new Date();
  const batch = options.batch ?? BATCH;
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const deleted =
    (await purgeCallsByAge(db, now, cutoff, batch)) +
    (await purgeRefreshesByAge(db, cutoff, batch)) +
    (await purgeOrphans(db, batch));
  // Marks dead rows' space and index entries free for reuse, here and in every other table
  // (consent transactions, sign-in counters, credentials renewed, deliveries retried); without
  // it the next runs would step over every row ever purged, and the files would only ever grow.
  if (options.vacuum) await db.execute(sql`vacuum`);
  return deleted;
}

/**
 * The job function: `(db, payload)`, run by lib/jobs and directly by tests. On PGlite (no
 * DATABASE_URL) it then vacuums the database, hourly, standing in for Postgres's autovacuum,
 * which PGlite does not run; each VACUUM reads only the pages changed since the last one.
 */
export async function callLogRetentionJob(db: Db, _payload: Record<string, unknown> = {}): Promise<void> {
  await purgeCallLog(db, { vacuum: !env().DATABASE_URL });
}
