import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";

export type AuditAction =
  | "connection.created"
  | "connection.updated"
  | "connection.authorized"
  | "connection.authorization_failed"
  | "connection.revoked"
  | "connection.deleted"
  | "connection.needs_reauth"
  | "connection.refreshed"
  | "connection.refresh_failed"
  | "service.created"
  | "service.updated"
  | "service_app.updated"
  | "webhook.created"
  | "webhook.deleted"
  | "member.invited"
  | "member.joined"
  | "member.role_changed"
  | "member.removed"
  | "member.password_reset_issued";

type Executor = Pick<Db, "insert">;

/** Records a state change. `detail` must never hold a secret: names, scopes, counts, error codes only. */
export async function recordAudit(
  db: Executor,
  event: {
    orgId: string;
    actorId: string | null;
    action: AuditAction;
    connectionId?: string;
    serviceId?: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(auditEvents).values({
    orgId: event.orgId,
    actorId: event.actorId,
    action: event.action,
    connectionId: event.connectionId,
    serviceId: event.serviceId,
    detail: event.detail ?? {},
  });
}

export type AuditEventDto = {
  id: number;
  action: AuditAction;
  actorName: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
};

export async function listConnectionAudit(
  db: Db,
  actor: Pick<Actor, "orgId">,
  params: { connectionId: string; limit?: number },
): Promise<AuditEventDto[]> {
  const rows = await db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      actorName: users.name,
      detail: auditEvents.detail,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.orgId, actor.orgId), eq(auditEvents.connectionId, params.connectionId)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(params.limit ?? 20);
  return rows.map((r) => ({ ...r, action: r.action as AuditAction, createdAt: r.createdAt.toISOString() }));
}
