import "server-only";
import { and, eq, or, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { connectionsInOrg, credentialUserFor, type ConnectionRow } from "@/lib/connections/access";
import { NotFound } from "@/lib/errors";
import { isUuid } from "@/lib/validation/uuid";

/**
 * Whose part of a connection's call log the actor may read (docs/product.md §10, §5):
 * - the owner: every call and every renewal;
 * - anyone else who may call it (a "use credentials of login user" connection, or an
 *   "Everyone in my organization" one): only their own calls, and only the renewals of
 *   the credential their calls use.
 * Anything else ("Only me" connections of others, other organizations) is NotFound, as
 * the connection itself is.
 */
export type CallLogScope = {
  connection: ConnectionRow;
  /** Set when the actor sees only the calls they made. */
  callerId: string | null;
  /** Set when the actor sees only the renewals of this user's credential. */
  credentialUserId: string | null;
};

/**
 * Connections whose log the actor may read some of: their own, and the others' they may
 * call ("use credentials of login user", or "Everyone in my organization"), in their
 * organization. An "Only me" connection of someone else is not among them, even when the
 * actor called it while it was open to everyone.
 */
export function callLogReadableBy(actor: Pick<Actor, "id" | "orgId">): SQL | undefined {
  return and(
    connectionsInOrg(actor),
    or(eq(connections.ownerId, actor.id), eq(connections.useLoginUserCredentials, true), eq(connections.access, "organization")),
  );
}

export async function callLogScope(db: Db, actor: Actor, connectionId: string): Promise<CallLogScope> {
  if (!isUuid(connectionId)) throw new NotFound("That connection does not exist");
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), callLogReadableBy(actor)))
    .limit(1);
  if (!row) throw new NotFound("That connection does not exist");
  if (row.ownerId === actor.id) return { connection: row, callerId: null, credentialUserId: null };
  return { connection: row, callerId: actor.id, credentialUserId: credentialUserFor(row, actor.id) };
}
