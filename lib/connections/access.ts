import "server-only";
import { and, eq, ne, or } from "drizzle-orm";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { Forbidden, NotFound } from "@/lib/errors";
import type { ServiceRef } from "@/lib/services/definition";
import { isUuid } from "@/lib/validation/uuid";

export type ConnectionRow = typeof connections.$inferSelect;

/*
 * Who may see and touch which connection (docs/product.md §5, §9): the one place the
 * tenant scope and the sharing rules of connection queries are written.
 */

/** Connections of the actor's organization: every connection query starts here. */
export function connectionsInOrg(actor: Pick<Actor, "orgId">) {
  return eq(connections.orgId, actor.orgId);
}

/** Connections the actor created. */
export function ownConnections(actor: Pick<Actor, "id" | "orgId">) {
  return and(connectionsInOrg(actor), eq(connections.ownerId, actor.id));
}

/** Others' connections the actor may authenticate with their own credential ("use credentials of login user"). */
export function sharedWith(actor: Pick<Actor, "id" | "orgId">) {
  return and(connectionsInOrg(actor), ne(connections.ownerId, actor.id), eq(connections.useLoginUserCredentials, true));
}

/** Connections the actor may see: their own and the shared ones. */
export function visibleTo(actor: Pick<Actor, "id" | "orgId">) {
  return and(connectionsInOrg(actor), or(eq(connections.ownerId, actor.id), eq(connections.useLoginUserCredentials, true)));
}

/**
 * A connection the actor may see: in their organization, and either theirs or shared
 * with "use credentials of login user". Anything else is NotFound, so ids of other
 * organizations' connections reveal nothing.
 */
export async function loadVisibleConnection(db: Db, actor: Actor, id: string): Promise<ConnectionRow> {
  if (!isUuid(id)) throw new NotFound("That connection does not exist");
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), visibleTo(actor)))
    .limit(1);
  if (!row) throw new NotFound("That connection does not exist");
  return row;
}

/** Only the owner edits or deletes a connection (docs/product.md §9). */
export async function loadOwnConnection(db: Db, actor: Actor, id: string): Promise<ConnectionRow> {
  const row = await loadVisibleConnection(db, actor, id);
  if (row.ownerId !== actor.id) throw new Forbidden("Only the owner of this connection can change or delete it");
  return row;
}

export function serviceRefOf(row: Pick<ConnectionRow, "catalogLinkName" | "serviceId">): ServiceRef {
  return row.serviceId ? { kind: "custom", id: row.serviceId } : { kind: "catalog", linkName: row.catalogLinkName! };
}

/** Whose credential a call or an authorization by this actor uses (docs/product.md §5). */
export function credentialUserFor(row: ConnectionRow, actorId: string): string {
  return row.useLoginUserCredentials ? actorId : row.ownerId;
}
