import "server-only";
import { getPublicSuffix } from "tldts";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, services } from "@/db/schema";
import type { Actor, OrgScope } from "@/lib/auth/users";
import { findCatalogEntry } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { env } from "@/lib/env";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { OutboundBlockedError } from "@/lib/http/errors";
import { checkOutboundUrl } from "@/lib/http/url-policy";

/** The custom services an actor may see and edit (docs/product.md §6): the one place their tenant scoping lives. */

export type ServiceRow = typeof services.$inferSelect;

export const SERVICE_LINK_NAME_TAKEN = "This link name is already used by another custom service in your organization";
export const SERVICE_LINK_NAME_DEFAULT = "This link name belongs to a default service; choose another";

/** Where a custom service of the actor's organization is: the scope of every query of this module. */
export function serviceInOrg(actor: OrgScope, id: string) {
  return and(eq(services.id, id), eq(services.orgId, actor.orgId));
}

/** The service in the actor's organization (NotFound elsewhere) that only its creator may edit. */
export async function loadEditableService(db: Pick<Db, "select">, actor: Actor, id: string): Promise<ServiceRow> {
  const [row] = await db.select().from(services).where(serviceInOrg(actor, id)).limit(1);
  if (!row) throw new NotFound("That custom service does not exist");
  if (row.createdBy !== actor.id) throw new Forbidden("Only the creator of a custom service can edit it");
  return row;
}

export async function countWithCredentials(db: Pick<Db, "select">, actor: OrgScope, serviceId: string): Promise<number> {
  const [{ count }] = await db
    .select({ count: sql<number>`count(distinct ${connections.id})::int` })
    .from(connections)
    .innerJoin(credentials, eq(credentials.connectionId, connections.id))
    .where(and(eq(connections.orgId, actor.orgId), eq(connections.serviceId, serviceId), isNotNull(credentials.payloadSealed)));
  return Number(count);
}

/** Every URL a user typed must pass the deployment's outbound policy (docs/architecture.md "Outbound safety"). */
export function checkUrls(urls: Record<string, string | undefined>): void {
  const fieldErrors: Record<string, string[]> = {};
  const allowPrivateNetwork = env().CONNECTIONS_ALLOW_PRIVATE_NETWORK;
  for (const [field, url] of Object.entries(urls)) {
    if (!url) continue;
    try {
      checkOutboundUrl(url, { allowPrivateNetwork });
    } catch (error) {
      if (!(error instanceof OutboundBlockedError)) throw error;
      fieldErrors[field] = [error.message];
    }
  }
  const [first] = Object.entries(fieldErrors);
  if (first) throw new Invalid(first[1][0], fieldErrors);
}

/**
 * A wildcard "Allowed host" must stop short of a public suffix (docs/security.md): "*.github.io"
 * or "*.co.uk" would let anyone who registers a name there, the service's creator included,
 * receive the credentials. Checked by the Public Suffix List (tldts), its private section too.
 */
export function checkAllowedHosts(allowedHosts: readonly string[] | undefined): void {
  for (const pattern of allowedHosts ?? []) {
    if (!pattern.startsWith("*.")) continue;
    const suffix = pattern.slice(2);
    if (getPublicSuffix(suffix, { allowPrivateDomains: true }) === suffix) {
      const message = `Allowed host "${pattern}" covers a public suffix: anyone can register a name under "${suffix}". Name your API's own domain (e.g. "*.api.${suffix}" or "api.example.${suffix}").`;
      throw new Invalid(message, { allowedHosts: [message] });
    }
  }
}

export async function assertLinkNameFree(db: Db, actor: OrgScope, linkName: string): Promise<void> {
  if (findCatalogEntry(serviceCatalog(), linkName)) {
    throw new Conflict(SERVICE_LINK_NAME_DEFAULT, { linkName: [SERVICE_LINK_NAME_DEFAULT] });
  }
  const [taken] = await db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.orgId, actor.orgId), eq(services.linkName, linkName)))
    .limit(1);
  if (taken) throw new Conflict(SERVICE_LINK_NAME_TAKEN, { linkName: [SERVICE_LINK_NAME_TAKEN] });
}
