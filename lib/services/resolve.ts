import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db";
import type { OrgScope } from "@/lib/auth/users";
import { serviceApps, services } from "@/db/schema";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { findCatalogEntry } from "@/lib/catalog";
import { NotConfigured, NotFound } from "@/lib/errors";
import { openJson } from "@/lib/secrets";
import { customServiceConfigSchema, type CustomServiceConfig } from "@/lib/validation/service-config";
import { definitionFromCatalog, needsClient, type ServiceDefinition, type ServiceRef } from "./definition";

type ServiceRow = typeof services.$inferSelect;

/** The hosts of a custom service's own URLs, plus any the creator listed. */
function hostsOf(config: CustomServiceConfig): string[] {
  const urls =
    config.authType === "oauth1"
      ? [config.requestTokenUrl, config.authorizeUrl, config.accessTokenUrl]
      : config.authType === "oauth2"
        ? [config.authorizeUrl, config.tokenUrl, config.refreshUrl]
        : [];
  const hosts = new Set(config.allowedHosts);
  for (const u of urls) {
    if (!u) continue;
    try {
      hosts.add(new URL(u).hostname);
    } catch {
      // validated on save; an unparsable URL adds no host
    }
  }
  return [...hosts];
}

export function definitionFromCustom(
  row: Pick<ServiceRow, "id" | "name" | "linkName" | "authType" | "config" | "createdBy" | "version">,
): ServiceDefinition {
  const config = customServiceConfigSchema.parse(row.config);
  const base = {
    ref: { kind: "custom" as const, id: row.id },
    version: row.version,
    name: row.name,
    linkName: row.linkName,
    authType: row.authType,
    category: "Custom Service",
    icon: "Puzzle",
    createdBy: row.createdBy,
    api: { allowedHosts: hostsOf(config) },
  };
  switch (config.authType) {
    case "api_key":
      return { ...base, apiKey: { params: config.params } };
    case "basic":
      return { ...base, basic: { usernameLabel: "Username", passwordLabel: "Password" } };
    case "oauth1":
      return {
        ...base,
        oauth1: {
          requestTokenUrl: config.requestTokenUrl,
          authorizeUrl: config.authorizeUrl,
          accessTokenUrl: config.accessTokenUrl,
          paramType: config.paramType,
          signatureMethod: "HMAC-SHA1",
          extraAuthorizeParams: {},
          consumerKey: config.consumerKey,
        },
      };
    case "oauth2":
      return {
        ...base,
        oauth2: {
          grantType: config.grantType,
          authorizeUrl: config.authorizeUrl,
          tokenUrl: config.tokenUrl,
          refreshUrl: config.refreshUrl ?? config.tokenUrl,
          revocationUrl: config.revocationUrl,
          issuer: config.issuer,
          scopes: config.scopes.map((name) => ({ name, description: "", default: true })),
          scopeDelimiter: "comma",
          pkce: config.grantType === "authorization_code",
          tokenAuthMethod: "client_secret_basic",
          extraAuthorizeParams: {},
          paramType: config.paramType,
          freeScopes: true,
          clientId: config.clientId,
          membersMayConnect: config.membersMayConnect,
        },
      };
  }
}

/** The service a connection refers to, within the organization; NotFound otherwise. */
export async function resolveService(db: Db, scope: OrgScope, ref: ServiceRef): Promise<ServiceDefinition> {
  if (ref.kind === "catalog") {
    const entry = findCatalogEntry(serviceCatalog(), ref.linkName);
    if (!entry) throw new NotFound(`The service "${ref.linkName}" is no longer in this deployment's catalogue`);
    return definitionFromCatalog(entry);
  }
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, ref.id), eq(services.orgId, scope.orgId)))
    .limit(1);
  if (!row) throw new NotFound("That custom service does not exist");
  return definitionFromCustom(row);
}

/** The OAuth client (or consumer) of a service, and the version of its settings (a flow started under another is refused). */
export type ServiceClient = {
  clientId: string;
  clientSecret: string;
  version: number;
  /** Client credentials: members may connect with it, not only its holder (docs/product.md §5). */
  membersMayConnect: boolean;
};

export const NOT_CONFIGURED_MESSAGE = "Not configured by your admin";

/**
 * Whether the service has its OAuth client (or consumer) in this organization. Pages ask
 * this on every render, so it checks presence without decrypting the secret.
 */
export async function hasServiceClient(db: Db, scope: OrgScope, def: ServiceDefinition): Promise<boolean> {
  if (!needsClient(def)) return true;
  if (def.ref.kind === "catalog") {
    const [app] = await db
      .select({ id: serviceApps.id })
      .from(serviceApps)
      .where(and(eq(serviceApps.orgId, scope.orgId), eq(serviceApps.serviceLinkName, def.ref.linkName)))
      .limit(1);
    return Boolean(app);
  }
  const [row] = await db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.id, def.ref.id), eq(services.orgId, scope.orgId), isNotNull(services.secretSealed)))
    .limit(1);
  return Boolean(row);
}

/**
 * The OAuth client (or OAuth 1 consumer) to use for a service in this organization:
 * the admin's app for a default service, the creator's settings for a custom one.
 */
export async function loadServiceClient(db: Db, scope: OrgScope, def: ServiceDefinition): Promise<ServiceClient> {
  if (def.ref.kind === "catalog") {
    const [app] = await db
      .select()
      .from(serviceApps)
      .where(and(eq(serviceApps.orgId, scope.orgId), eq(serviceApps.serviceLinkName, def.ref.linkName)))
      .limit(1);
    if (!app) throw new NotConfigured(`${def.name}: ${NOT_CONFIGURED_MESSAGE}`);
    const clientSecret = openJson<string>("serviceApp", { id: app.id, orgId: app.orgId }, app.secretSealed);
    return { clientId: app.clientId, clientSecret, version: app.version, membersMayConnect: app.membersMayConnect };
  }
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, def.ref.id), eq(services.orgId, scope.orgId)))
    .limit(1);
  if (!row?.secretSealed) throw new NotConfigured(`${def.name} has no client secret yet; its creator must set one`);
  const clientSecret = openJson<string>("service", row, row.secretSealed);
  const clientId = def.oauth2?.clientId ?? def.oauth1?.consumerKey ?? "";
  return { clientId, clientSecret, version: row.version, membersMayConnect: def.oauth2?.membersMayConnect ?? false };
}

type Reader = Pick<Db, "select">;

/**
 * The version of a service's settings now (custom: the service row; default: the
 * organization's OAuth app; 0 without one), read FOR SHARE inside a transaction so that an
 * edit cannot commit between this check and the write that depends on it: a credential
 * given under an older version must not survive the edit (docs/product.md §6).
 */
export async function lockServiceVersion(tx: Reader, scope: OrgScope, def: ServiceDefinition): Promise<number> {
  if (def.ref.kind === "custom") {
    const [row] = await tx
      .select({ version: services.version })
      .from(services)
      .where(and(eq(services.id, def.ref.id), eq(services.orgId, scope.orgId)))
      .for("share");
    return row?.version ?? -1;
  }
  if (!needsClient(def)) return 0;
  const [app] = await tx
    .select({ version: serviceApps.version })
    .from(serviceApps)
    .where(and(eq(serviceApps.orgId, scope.orgId), eq(serviceApps.serviceLinkName, def.ref.linkName)))
    .for("share");
  return app?.version ?? 0;
}

/** Whether members (not only the holder) may connect a client-credentials service; reads no secret. */
export async function membersMayConnect(db: Reader, scope: OrgScope, def: ServiceDefinition): Promise<boolean> {
  if (def.ref.kind === "custom") return def.oauth2?.membersMayConnect ?? false;
  const [app] = await db
    .select({ membersMayConnect: serviceApps.membersMayConnect })
    .from(serviceApps)
    .where(and(eq(serviceApps.orgId, scope.orgId), eq(serviceApps.serviceLinkName, def.ref.linkName)))
    .limit(1);
  return app?.membersMayConnect ?? false;
}
