import "server-only";
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog, connections } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { visibleTo } from "@/lib/connections/access";
import type { CallLogQuery } from "@/lib/validation/call-log";
import { callLogReadableBy } from "./call-log-access";
import { outcomeIs } from "./call-outcome";
import { callRowColumns, callRowOf } from "./call-row";
import type { OwnCallsPageDto } from "./dto";

/**
 * One page of "My calls" (docs/product.md §10): the calls the actor made, through any
 * connection of their organization whose log they may read (./call-log-access.ts: their
 * own, shared ones, and others' "Everyone in my organization" ones), newest first,
 * filtered by outcome and paged in SQL. Never another member's call, not even on the
 * actor's own connections (those are on its summary page). The connection links to its
 * summary page only where the actor may open it (`visibleTo`): an "Everyone in my
 * organization" connection of someone else stays unlisted for them (§5), so it shows by
 * link name only.
 */
export async function listOwnCalls(db: Db, actor: Actor, query: CallLogQuery): Promise<OwnCallsPageDto> {
  const where = and(
    eq(callLog.orgId, actor.orgId),
    eq(callLog.callerId, actor.id),
    callLogReadableBy(actor),
    outcomeIs(query.outcome),
  );
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        ...callRowColumns,
        connectionId: connections.id,
        linkName: connections.linkName,
        canOpen: sql<boolean>`coalesce(${visibleTo(actor)}, false)`,
      })
      .from(callLog)
      .innerJoin(connections, eq(connections.id, callLog.connectionId))
      .where(where)
      .orderBy(desc(callLog.createdAt), desc(callLog.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(callLog).innerJoin(connections, eq(connections.id, callLog.connectionId)).where(where),
  ]);
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    rows: rows.map((r) => ({ ...callRowOf(r), linkName: r.linkName, connectionId: r.canOpen ? r.connectionId : null })),
  };
}
