import "server-only";
import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, services, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { serviceCatalog } from "@/lib/catalog/runtime";
import type { ListQuery } from "@/lib/validation/connections";
import { connectKindOf, credentialHosts, definitionFromCatalog, type ServiceDefinition } from "@/lib/services/definition";
import { definitionFromCustom } from "@/lib/services/resolve";
import type { ConnectionListDto, ConnectionStatus } from "./dto";
import { ownConnections, sharedWith } from "./access";
import { healthSql } from "./health";
import { credentialFields } from "./get-connection-summary";

export type ListTab = "own" | "shared" | "available";

const statusExpr = sql<ConnectionStatus>`case ${credentials.status}
  when 'connected' then 'connected'
  when 'needs_reauth' then 'needs_reauth'
  else 'not_connected' end`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of a connections table, paged, sorted and filtered in SQL (docs/product.md §4):
 * - own: connections the actor created;
 * - shared: others' "use credentials of login user" connections the actor authenticated;
 * - available: such connections the actor has not authenticated yet.
 * The status is always the actor's own credential's.
 */
export async function listConnections(db: Db, actor: Actor, tab: ListTab, query: ListQuery): Promise<ConnectionListDto> {
  const filters: Array<SQL | undefined> = [tab === "own" ? ownConnections(actor) : sharedWith(actor)];
  if (tab === "shared") filters.push(sql`${credentials.id} is not null`);
  // The join below brings only the actor's credential, so "none" means not yet authenticated by them.
  if (tab === "available") filters.push(isNull(credentials.id));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    // Default services' display names live in the catalogue, not the database: match them here.
    const needle = query.q.toLowerCase();
    const catalogHits = serviceCatalog()
      .filter((e) => e.name.toLowerCase().includes(needle))
      .map((e) => e.linkName);
    filters.push(
      or(
        ilike(connections.name, pattern),
        ilike(connections.linkName, pattern),
        ilike(connections.catalogLinkName, pattern),
        ilike(services.name, pattern),
        catalogHits.length ? inArray(connections.catalogLinkName, catalogHits) : undefined,
      ),
    );
  }
  if (query.health) filters.push(sql`${healthSql} = ${query.health}`);
  const where = and(...filters);
  const order = query.dir === "asc" ? asc : desc;
  const sortColumn = {
    name: sql`lower(${connections.name})`,
    linkName: connections.linkName,
    // The Status column shows the health, so it sorts by it: the keys' order is their labels' order.
    status: healthSql,
    lastUsedAt: sql`coalesce(${credentials.lastUsedAt}, ${connections.lastUsedAt})`,
    createdAt: connections.createdAt,
  }[query.sort];

  const base = () =>
    db
      .select({
        id: connections.id,
        name: connections.name,
        linkName: connections.linkName,
        catalogLinkName: connections.catalogLinkName,
        customName: services.name,
        // Never the sealed secret: the list needs only the service's public settings.
        custom: {
          id: services.id,
          name: services.name,
          linkName: services.linkName,
          authType: services.authType,
          config: services.config,
          createdBy: services.createdBy,
          version: services.version,
        },
        status: statusExpr,
        health: healthSql,
        lastUsedAt: sql<Date | null>`coalesce(${credentials.lastUsedAt}, ${connections.lastUsedAt})`,
        createdAt: connections.createdAt,
        ownerName: users.name,
        ownerId: connections.ownerId,
      })
      .from(connections)
      .leftJoin(credentials, and(eq(credentials.connectionId, connections.id), eq(credentials.userId, actor.id)))
      .leftJoin(services, eq(services.id, connections.serviceId))
      .innerJoin(users, eq(users.id, connections.ownerId))
      .where(where);

  const [rows, [{ total }]] = await Promise.all([
    base()
      .orderBy(order(sortColumn), order(connections.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(connections)
      .leftJoin(credentials, and(eq(credentials.connectionId, connections.id), eq(credentials.userId, actor.id)))
      .leftJoin(services, eq(services.id, connections.serviceId))
      .where(where),
  ]);

  const catalog = new Map(serviceCatalog().map((e) => [e.linkName, e]));
  const definitionOf = (r: (typeof rows)[number]): ServiceDefinition | undefined => {
    if (r.custom?.id) return definitionFromCustom(r.custom);
    const entry = catalog.get(r.catalogLinkName ?? "");
    return entry ? definitionFromCatalog(entry) : undefined;
  };
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    rows: rows.map((r) => {
      const def = definitionOf(r);
      return {
        id: r.id,
        name: r.name,
        linkName: r.linkName,
        serviceName: def?.name ?? r.catalogLinkName ?? "",
        connectKind: def ? connectKindOf(def) : "credentials",
        credentialFields: def ? credentialFields(def) : [],
        credentialHosts: def ? credentialHosts(def) : [],
        serviceVersion: def?.version ?? 0,
        status: r.status,
        health: r.health,
        lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null,
        createdAt: r.createdAt.toISOString(),
        ownerName: r.ownerName,
        canEdit: r.ownerId === actor.id,
        canDelete: r.ownerId === actor.id,
      };
    }),
  };
}
