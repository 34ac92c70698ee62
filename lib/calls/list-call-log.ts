import "server-only";
import { and, count, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog, tokenRefreshes, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import type { CallLogQuery } from "@/lib/validation/call-log";
import { callLogScope, type CallLogScope } from "./call-log-access";
import { failed, outcomeIs, succeeded } from "./call-outcome";
import { callRowColumns, callRowOf } from "./call-row";
import type { CallLogPageDto, CallSeriesPointDto, TokenRefreshDto } from "./dto";

const HOUR = 3_600_000;

function callsOf(scope: CallLogScope): SQL | undefined {
  return and(eq(callLog.connectionId, scope.connection.id), scope.callerId ? eq(callLog.callerId, scope.callerId) : undefined);
}

/** One page of "Recent calls", newest first, filtered by outcome in SQL; the scope is the actor's (./call-log-access.ts). */
export async function listCallLog(db: Db, actor: Actor, connectionId: string, query: CallLogQuery): Promise<CallLogPageDto> {
  const scope = await callLogScope(db, actor, connectionId);
  const where = and(callsOf(scope), outcomeIs(query.outcome));
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ ...callRowColumns, callerName: users.name })
      .from(callLog)
      .leftJoin(users, eq(users.id, callLog.callerId))
      .where(where)
      .orderBy(desc(callLog.createdAt), desc(callLog.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(callLog).where(where),
  ]);
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    onlyOwnCalls: scope.callerId !== null,
    rows: rows.map((r) => ({ ...callRowOf(r), callerName: r.callerName ?? "A deleted user" })),
  };
}

/** The latest token renewals the actor may see, newest first. */
export async function listTokenRefreshes(db: Db, actor: Actor, connectionId: string, limit = 10): Promise<TokenRefreshDto[]> {
  const scope = await callLogScope(db, actor, connectionId);
  const rows = await db
    .select()
    .from(tokenRefreshes)
    .where(
      and(
        eq(tokenRefreshes.connectionId, scope.connection.id),
        scope.credentialUserId ? eq(tokenRefreshes.userId, scope.credentialUserId) : undefined,
      ),
    )
    .orderBy(desc(tokenRefreshes.createdAt), desc(tokenRefreshes.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, at: r.createdAt.toISOString(), outcome: r.outcome, providerError: r.providerError }));
}

/** Calls per hour over the last `hours` hours by outcome, every hour present (zeros included), oldest first. */
export async function callSeries(
  db: Db,
  actor: Actor,
  connectionId: string,
  options: { hours?: number; now?: Date } = {},
): Promise<CallSeriesPointDto[]> {
  const scope = await callLogScope(db, actor, connectionId);
  const hours = options.hours ?? 24;
  const end = Math.floor((options.now ?? new Date()).getTime() / HOUR) * HOUR + HOUR;
  const start = new Date(end - hours * HOUR);
  const bucket = sql<string>`to_char(date_trunc('hour', ${callLog.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')`;
  const rows = await db
    .select({
      hour: bucket,
      succeeded: sql<number>`count(*) filter (where ${succeeded})::int`,
      failed: sql<number>`count(*) filter (where ${failed})::int`,
    })
    .from(callLog)
    .where(and(callsOf(scope), gte(callLog.createdAt, start)))
    .groupBy(bucket);
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  return Array.from({ length: hours }, (_, i) => {
    const hour = new Date(start.getTime() + i * HOUR).toISOString().slice(0, 13);
    const hit = byHour.get(hour);
    return { hour: `${hour}:00:00.000Z`, succeeded: hit?.succeeded ?? 0, failed: hit?.failed ?? 0 };
  });
}
