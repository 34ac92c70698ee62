import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, services } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { findCatalogEntry } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { discoveryFailure } from "./provider-errors";
import { revokeAtProvider } from "./revoke-at-provider";
import { env } from "@/lib/env";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { OutboundBlockedError } from "@/lib/http/errors";
import { checkOutboundUrl } from "@/lib/http/url-policy";
import { discover } from "@/lib/oauth2";
import { oauthTransport } from "@/lib/http/outbound";
import { sealJson } from "@/lib/secrets";
import type { AuthType } from "@/lib/validation/enums";
import { serviceEditMessages, type CreateServiceValues, type UpdateServiceValues } from "@/lib/validation/services";
import { customServiceConfigSchema, type CustomServiceConfig } from "./custom-config";
import { definitionFromCustom } from "./resolve";

type ServiceRow = typeof services.$inferSelect;

export const SERVICE_LINK_NAME_TAKEN = "This link name is already used by another custom service in your organization";
export const SERVICE_LINK_NAME_DEFAULT = "This link name belongs to a default service; choose another";

/** What the editor may see of a custom service: no secret field at all, only whether one is set. */
export type CustomServiceEditDto = {
  id: string;
  name: string;
  linkName: string;
  authType: AuthType;
  version: number;
  config: CustomServiceConfig;
  hasSecret: boolean;
  /** Connections that use the service and hold a credential: saving an edit revokes them. */
  connectionCount: number;
};

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return (e?.code ?? e?.cause?.code) === "23505";
}

/** Every URL a user typed must pass the deployment's outbound policy (DESIGN.md "Outbound safety"). */
function checkUrls(urls: Record<string, string | undefined>): void {
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

/** The stored config (no secret) and the secret from validated editor input. */
function configOf(input: CreateServiceValues): { config: CustomServiceConfig; secret?: string } {
  const allowedHosts = input.allowedHosts;
  switch (input.authType) {
    case "api_key":
      return { config: { authType: "api_key", params: input.params, allowedHosts } };
    case "basic":
      return { config: { authType: "basic", allowedHosts } };
    case "oauth1":
      checkUrls({
        requestTokenUrl: input.requestTokenUrl,
        authorizeUrl: input.authorizeUrl,
        accessTokenUrl: input.accessTokenUrl,
      });
      return {
        config: {
          authType: "oauth1",
          consumerKey: input.consumerKey,
          requestTokenUrl: input.requestTokenUrl,
          authorizeUrl: input.authorizeUrl,
          accessTokenUrl: input.accessTokenUrl,
          paramType: input.paramType,
          allowedHosts,
        },
        secret: input.consumerSecret,
      };
    case "oauth2": {
      // The client credentials grant never sends anyone to an authorize endpoint.
      const authorizeUrl = input.grantType === "client_credentials" ? undefined : input.authorizeUrl;
      checkUrls({
        authorizeUrl,
        tokenUrl: input.tokenUrl,
        refreshUrl: input.refreshUrl,
        revocationUrl: input.revocationUrl,
        issuer: input.issuer,
      });
      return {
        config: {
          authType: "oauth2",
          grantType: input.grantType,
          clientId: input.clientId,
          authorizeUrl,
          tokenUrl: input.tokenUrl,
          refreshUrl: input.refreshUrl,
          revocationUrl: input.revocationUrl,
          issuer: input.issuer,
          paramType: input.paramType,
          scopes: input.scopes,
          allowedHosts,
        },
        secret: input.clientSecret,
      };
    }
  }
}

async function assertLinkNameFree(db: Db, orgId: string, linkName: string): Promise<void> {
  if (findCatalogEntry(serviceCatalog(), linkName)) {
    throw new Conflict(SERVICE_LINK_NAME_DEFAULT, { linkName: [SERVICE_LINK_NAME_DEFAULT] });
  }
  const [taken] = await db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.orgId, orgId), eq(services.linkName, linkName)))
    .limit(1);
  if (taken) throw new Conflict(SERVICE_LINK_NAME_TAKEN, { linkName: [SERVICE_LINK_NAME_TAKEN] });
}

/** "Create Service": a custom service of the actor's organization, its secret sealed for its row. */
export async function createCustomService(
  db: Db,
  actor: Actor,
  input: CreateServiceValues,
): Promise<{ id: string; linkName: string }> {
  await assertLinkNameFree(db, actor.orgId, input.linkName);
  const { config, secret } = configOf(input);
  const id = randomUUID();
  const secretSealed = secret === undefined ? null : sealJson("service", { id, createdBy: actor.id }, secret);
  try {
    await db.transaction(async (tx) => {
      await tx.insert(services).values({
        id,
        orgId: actor.orgId,
        createdBy: actor.id,
        name: input.name,
        linkName: input.linkName,
        authType: input.authType,
        config,
        secretSealed,
      });
      await recordAudit(tx, {
        orgId: actor.orgId,
        actorId: actor.id,
        action: "service.created",
        serviceId: id,
        detail: { linkName: input.linkName, authType: input.authType },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(SERVICE_LINK_NAME_TAKEN, { linkName: [SERVICE_LINK_NAME_TAKEN] });
    throw error;
  }
  return { id, linkName: input.linkName };
}

/** The service in the actor's organization (NotFound elsewhere) that only its creator may edit. */
async function loadEditableService(db: Pick<Db, "select">, actor: Actor, id: string): Promise<ServiceRow> {
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, id), eq(services.orgId, actor.orgId)))
    .limit(1);
  if (!row) throw new NotFound("That custom service does not exist");
  if (row.createdBy !== actor.id) throw new Forbidden("Only the creator of a custom service can edit it");
  return row;
}

/** Connections of the service that hold a stored credential: the ones an edit revokes. */
export async function countServiceConnections(db: Db, actor: Actor, id: string): Promise<number> {
  const [row] = await db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.id, id), eq(services.orgId, actor.orgId)))
    .limit(1);
  if (!row) throw new NotFound("That custom service does not exist");
  return countWithCredentials(db, actor.orgId, id);
}

async function countWithCredentials(db: Pick<Db, "select">, orgId: string, serviceId: string): Promise<number> {
  const [{ count }] = await db
    .select({ count: sql<number>`count(distinct ${connections.id})::int` })
    .from(connections)
    .innerJoin(credentials, eq(credentials.connectionId, connections.id))
    .where(and(eq(connections.orgId, orgId), eq(connections.serviceId, serviceId), isNotNull(credentials.payloadSealed)));
  return Number(count);
}

export async function getCustomServiceForEdit(db: Db, actor: Actor, id: string): Promise<CustomServiceEditDto> {
  const row = await loadEditableService(db, actor, id);
  return {
    id: row.id,
    name: row.name,
    linkName: row.linkName,
    authType: row.authType,
    version: row.version,
    config: customServiceConfigSchema.parse(row.config),
    hasSecret: row.secretSealed !== null,
    connectionCount: await countWithCredentials(db, actor.orgId, row.id),
  };
}

/**
 * Applies SPEC.md §6's edit table to an update request: the authentication type, the
 * link name and the OAuth 2 grant type never change; API key parameters are added or
 * edited (matched by position) but never deleted; OAuth 2 scopes are only added.
 */
function checkEditRules(row: ServiceRow, stored: CustomServiceConfig, input: UpdateServiceValues): void {
  if (input.authType !== row.authType) {
    throw new Invalid(serviceEditMessages.authType, { authType: [serviceEditMessages.authType] });
  }
  if (input.linkName !== undefined && input.linkName !== row.linkName) {
    throw new Invalid(serviceEditMessages.linkName, { linkName: [serviceEditMessages.linkName] });
  }
  if (input.authType === "api_key" && stored.authType === "api_key" && input.params.length < stored.params.length) {
    throw new Invalid(serviceEditMessages.paramsDeleted, { params: [serviceEditMessages.paramsDeleted] });
  }
  if (input.authType === "oauth2" && stored.authType === "oauth2") {
    if (input.grantType !== undefined && input.grantType !== stored.grantType) {
      throw new Invalid(serviceEditMessages.grantType, { grantType: [serviceEditMessages.grantType] });
    }
    const kept = input.scopes.slice(0, stored.scopes.length);
    if (stored.scopes.some((scope, i) => kept[i] !== scope)) {
      throw new Invalid(serviceEditMessages.scopesChanged, { scopes: [serviceEditMessages.scopesChanged] });
    }
  }
}

/**
 * "Update": applies the allowed edits, bumps the version, and revokes the credentials of
 * every connection that uses the service (at the provider where possible, best effort,
 * with the old settings; always here). Only the creator may edit.
 */
export async function updateCustomService(
  db: Db,
  actor: Actor,
  input: UpdateServiceValues,
): Promise<{ id: string; linkName: string; revoked: number }> {
  const row = await loadEditableService(db, actor, input.id);
  const stored = customServiceConfigSchema.parse(row.config);
  checkEditRules(row, stored, input);
  const grantType = input.authType === "oauth2" && stored.authType === "oauth2" ? stored.grantType : undefined;
  if (grantType === "authorization_code" && input.authType === "oauth2" && !input.authorizeUrl) {
    const message = "Authorize URL is required for the Authorization Code grant";
    throw new Invalid(message, { authorizeUrl: [message] });
  }
  const merged = (
    input.authType === "oauth2" ? { ...input, grantType, linkName: row.linkName } : { ...input, linkName: row.linkName }
  ) as CreateServiceValues;
  const { config, secret } = configOf(merged);
  const secretSealed =
    secret === undefined ? row.secretSealed : sealJson("service", { id: row.id, createdBy: row.createdBy }, secret);

  // Tell providers first, with the settings the tokens were issued under.
  const oldDefinition = definitionFromCustom(row);
  const held = await db
    .select({ credential: credentials })
    .from(credentials)
    .innerJoin(connections, eq(connections.id, credentials.connectionId))
    .where(and(eq(connections.orgId, actor.orgId), eq(connections.serviceId, row.id), isNotNull(credentials.payloadSealed)));
  for (const { credential } of held) {
    await revokeAtProvider(db, actor.orgId, oldDefinition, credential);
  }

  const revoked = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(services)
      .set({ name: input.name, config, secretSealed, version: sql`${services.version} + 1`, updatedAt: new Date() })
      .where(and(eq(services.id, row.id), eq(services.version, row.version)))
      .returning({ version: services.version });
    if (!updated) throw new Conflict("Someone saved this service at the same time; reload and try again");
    const serviceConnections = tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.orgId, actor.orgId), eq(connections.serviceId, row.id)));
    // Every credential of the service, including any stored since the count above.
    const cleared = await tx
      .update(credentials)
      .set({
        status: "revoked",
        payloadSealed: null,
        expiresAt: null,
        version: sql`${credentials.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(inArray(credentials.connectionId, serviceConnections), isNotNull(credentials.payloadSealed)))
      .returning({ connectionId: credentials.connectionId });
    const connectionIds = [...new Set(cleared.map((c) => c.connectionId))];
    for (const connectionId of connectionIds) {
      await recordAudit(tx, {
        orgId: actor.orgId,
        actorId: actor.id,
        action: "connection.revoked",
        connectionId,
        detail: { reason: "service_updated", serviceId: row.id },
      });
    }
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "service.updated",
      serviceId: row.id,
      detail: { linkName: row.linkName, version: updated.version, revoked: connectionIds.length, secretChanged: secret !== undefined },
    });
    return connectionIds.length;
  });
  return { id: row.id, linkName: row.linkName, revoked };
}

export type DiscoveredEndpoints = {
  issuer: string;
  authorizeUrl?: string;
  tokenUrl: string;
  revocationUrl?: string;
};

/** "Discover endpoints": RFC 8414, then OpenID Connect discovery, through the outbound guard. */
export async function discoverServiceEndpoints(issuer: string): Promise<DiscoveredEndpoints> {
  checkUrls({ issuer });
  try {
    const endpoints = await discover(issuer, oauthTransport());
    return {
      issuer: endpoints.issuer ?? issuer,
      authorizeUrl: endpoints.authorizeUrl,
      tokenUrl: endpoints.tokenUrl,
      revocationUrl: endpoints.revocationUrl,
    };
  } catch (error) {
    throw discoveryFailure(error) ?? error;
  }
}
