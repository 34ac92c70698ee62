import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { connectKindOf, credentialHosts } from "@/lib/services/definition";
import { resolveService } from "@/lib/services/resolve";
import { serviceRefOf, visibleTo } from "./access";
import type { ReconnectDto } from "./dto";
import { needsReauthSql } from "./health";

/** The app shell shows at most this many; the connections list (filtered by health) has the rest. */
const SHOWN = 5;

/**
 * The actor's own credentials that need re-authentication (docs/product.md §10), for the
 * app shell's "Reconnect" banner: only connections they may see, only their credential.
 */
export async function listNeedsReauth(db: Db, actor: Actor): Promise<{ rows: ReconnectDto[]; total: number }> {
  const rows = await db
    .select({
      connection: connections,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(connections)
    .innerJoin(credentials, and(eq(credentials.connectionId, connections.id), eq(credentials.userId, actor.id)))
    .where(and(visibleTo(actor), needsReauthSql))
    .orderBy(connections.name, connections.id)
    .limit(SHOWN);
  const resolved = await Promise.all(
    rows.map(async ({ connection }) => {
      const service = await resolveService(db, actor, serviceRefOf(connection)).catch(() => undefined);
      if (!service) return undefined;
      return {
        id: connection.id,
        name: connection.name,
        linkName: connection.linkName,
        serviceName: service.name,
        connectKind: connectKindOf(service),
        credentialHosts: credentialHosts(service),
        serviceVersion: service.version,
      } satisfies ReconnectDto;
    }),
  );
  return { rows: resolved.filter((r) => r !== undefined), total: rows[0]?.total ?? 0 };
}
