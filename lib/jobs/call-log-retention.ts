import "server-only";
import { eq, inArray, lt, sql, type SQL } from "drizzle-orm";
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
 * call_log has no index on created_at (each index is paid on every call written), so the purge
 * walks its primary key instead: ids grow in the order
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

/**
 * Lets whatever waits run between batches. PGlite runs one statement at a time: on a data
 * directory on its own thread (docs/architecture.md "PGlite's own thread"), where the pages'
 * statements and the call log's batches then get their turn between the purge's; in memory
 * (tests) on the app's thread, where each statement holds the event loop and statements awaited
 * one after another never let it go. Either way a purge of many batches does not shut the
 * others out for its whole length.
 */
const letOthersRun = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows a statement counted (`select count(*)::int as n …`), on either driver. */
async function counted(db: Db, query: SQL): Promise<number> {
  return Number(executedRows<{ n: number }>(await db.execute(query))[0]?.n ?? 0);
}

async function purgeCallsByAge(db: Db, now: Date, cutoff: Date, batch: number): Promise<number> {
  const cutoffAt = cutoff.toISOString();
  const stopFrom = new Date(cutoff.getTime() + OUT_OF_ORDER_MS).toISOString();
  const stopUntil = new Date(now.getTime() + OUT_OF_ORDER_MS).toISOString();
  let after = 0;
  let total = 0;
  for (;;) {
    // The batch is summed up in the database: one row comes back, not `batch` of them.
    const [summary] = executedRows<{ n: number; last: string | null; aged: boolean | null; stops: boolean | null }>(
      await db.execute(sql`select count(*)::int as n, max(b.id)::text as last,
          bool_or(b.created_at < ${cutoffAt}::timestamptz) as aged,
          bool_or(b.created_at >= ${stopFrom}::timestamptz and b.created_at <= ${stopUntil}::timestamptz) as stops
        from (select ${callLog.id} as id, ${callLog.createdAt} as created_at from ${callLog}
              where ${callLog.id} > ${after} order by ${callLog.id} limit ${batch}) b`),
    );
    // An empty batch has no last id: the walk is done.
    if (!summary || summary.last === null) return total;
    const n = Number(summary.n);
    const last = Number(summary.last);
    if (summary.aged) {
      total += await counted(
        db,
        sql`with gone as (delete from ${callLog} where ${callLog.id} > ${after} and ${callLog.id} <= ${last}
              and ${callLog.createdAt} < ${cutoffAt}::timestamptz returning 1)
            select count(*)::int as n from gone`,
      );
    }
    if (n < batch || summary.stops) return total;
    after = last;
    await letOthersRun();
  }
}

/**
 * Deletes the rows of `table` that `where` picks, `batch` at a time (by primary key), letting the
 * event loop turn between batches; returns how many went.
 */
async function purgeWhere(db: Db, table: typeof callLog | typeof tokenRefreshes, where: SQL, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const victims = db.select({ id: table.id }).from(table).where(where).limit(batch);
    const deleted = await db.delete(table).where(inArray(table.id, victims)).returning({ id: table.id });
    total += deleted.length;
    await letOthersRun();
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
  for (const connectionId of await goneConnections(db))
    total += await purgeWhere(db, callLog, eq(callLog.connectionId, connectionId), batch);
  return total;
}

/** Deletes the call-log and token-refresh rows past the retention; returns how many rows went. */
export async function purgeCallLog(db: Db, options: PurgeOptions = {}): Promise<number> {
  const days = options.days ?? env().CONNECTIONS_CALL_LOG_DAYS;
  const now = options.now ?? new Date();
  const batch = options.batch ?? BATCH;
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const calls = await purgeCallsByAge(db, now, cutoff, batch);
  await letOthersRun();
  // token_refreshes is small (one row per renewal) and keeps its index on created_at.
  const refreshes = await purgeWhere(db, tokenRefreshes, lt(tokenRefreshes.createdAt, cutoff), batch);
  const deleted = calls + refreshes + (await purgeOrphans(db, batch));
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
