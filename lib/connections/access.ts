import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { Forbidden, NotFound } from "@/lib/errors";
import type { ServiceRef } from "@/lib/services/definition";

export type ConnectionRow = typeof connections.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A connection the actor may see: in their organization, and either theirs or shared
 * with "use credentials of login user". Anything else is NotFound, so ids of other
 * organizations' connections reveal nothing.
 */
export async function loadVisibleConnection(db: Db, actor: Actor, id: string): Promise<ConnectionRow> {
  if (!UUID.test(id)) throw new NotFound("That connection does not exist");
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), eq(connections.orgId, actor.orgId)))
    .limit(1);
  if (!row || (row.ownerId !== actor.id && !row.useLoginUserCredentials)) {
    throw new NotFound("That connection does not exist");
  }
  return row;
}

/** Only the owner edits or deletes a connection (SPEC.md §9). */
export async function loadOwnConnection(db: Db, actor: Actor, id: string): Promise<ConnectionRow> {
  const row = await loadVisibleConnection(db, actor, id);
  if (row.ownerId !== actor.id) throw new Forbidden("Only the owner of this connection can change or delete it");
  return row;
}

export function serviceRefOf(row: Pick<ConnectionRow, "catalogLinkName" | "serviceId">): ServiceRef {
  return row.serviceId ? { kind: "custom", id: row.serviceId } : { kind: "catalog", linkName: row.catalogLinkName! };
}

/** Whose credential a call or an authorization by this actor uses (SPEC.md §5). */
export function credentialUserFor(row: ConnectionRow, actorId: string): string {
  return row.useLoginUserCredentials ? actorId : row.ownerId;
}
