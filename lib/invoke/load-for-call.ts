import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import type { ConnectionRow } from "@/lib/connections/access";
import type { CredentialRow } from "@/lib/credentials/credentials";
import { NotFound } from "@/lib/errors";

export type LoadedForCall = { connection: ConnectionRow; credential: CredentialRow | undefined };

/**
 * The connection with this link name in the actor's organization, and the credential a call
 * by the actor uses (docs/product.md §5): the caller's on a shared connection, else the
 * owner's. Other organizations' connections, and others' "Only me" connections, do not exist here.
 */
function prepareLoadForCall(db: Db) {
  return db
    .select({ connection: connections, credential: credentials })
    .from(connections)
    .leftJoin(
      credentials,
      and(
        eq(credentials.connectionId, connections.id),
        eq(
          credentials.userId,
          sql`case when ${connections.useLoginUserCredentials} then ${sql.placeholder("actorId")}::uuid else ${connections.ownerId} end`,
        ),
      ),
    )
    .where(
      and(
        eq(connections.orgId, sql.placeholder("orgId")),
        eq(connections.linkName, sql.placeholder("linkName")),
        // "Only me" (docs/product.md §5): to anyone else it does not exist, exactly like an unknown link name.
        sql`(${connections.useLoginUserCredentials} or ${connections.access} = 'organization' or ${connections.ownerId} = ${sql.placeholder("actorId")}::uuid)`,
      ),
    )
    .limit(1)
    .prepare("connections_load_for_call");
}
// Prepared once per database: this query runs on every call.
const statements = new WeakMap<Db, ReturnType<typeof prepareLoadForCall>>();

export async function loadForCall(db: Db, actor: Actor, linkName: string): Promise<LoadedForCall> {
  let statement = statements.get(db);
  if (!statement) statements.set(db, (statement = prepareLoadForCall(db)));
  const rows = await statement.execute({ actorId: actor.id, orgId: actor.orgId, linkName });
  const row = rows[0];
  // The restriction of a personal access token to some connections is applied by the caller (lib/invoke/call-cache.ts).
  if (!row) throw new NotFound(`There is no connection with the link name "${linkName}" in your organization`);
  return { connection: row.connection, credential: row.credential ?? undefined };
}
