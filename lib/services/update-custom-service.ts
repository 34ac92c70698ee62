import "server-only";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, services } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import { invalidate } from "@/lib/cache/invalidation";
import type { Actor } from "@/lib/auth/users";
import { Conflict, Invalid } from "@/lib/errors";
import { sealJson } from "@/lib/secrets";
import { configFromServiceInput, customServiceConfigSchema, type CustomServiceConfig } from "@/lib/validation/service-config";
import { serviceEditMessages, type CreateServiceValues, type UpdateServiceValues } from "@/lib/validation/services";
import { checkAllowedHosts, checkUrls, loadEditableService, type ServiceRow } from "./custom-service-access";
import { definitionFromCustom } from "./resolve";
import { revokeAtProvider } from "./revoke-at-provider";

/**
 * Applies docs/product.md §6's edit table to an update request: the authentication type, the
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
  const { config, secret, urls } = configFromServiceInput(merged);
  checkUrls(urls);
  checkAllowedHosts(input.allowedHosts);
  const secretSealed = secret === undefined ? row.secretSealed : sealJson("service", row, secret);

  // Tell providers first, with the settings the tokens were issued under.
  const oldDefinition = definitionFromCustom(row);
  const held = await db
    .select({ credential: credentials })
    .from(credentials)
    .innerJoin(connections, eq(connections.id, credentials.connectionId))
    .where(and(eq(connections.orgId, actor.orgId), eq(connections.serviceId, row.id), isNotNull(credentials.payloadSealed)));
  for (const { credential } of held) {
    await revokeAtProvider(db, actor, { service: oldDefinition, credential: credential });
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
      detail: {
        linkName: row.linkName,
        version: updated.version,
        revoked: connectionIds.length,
        secretChanged: secret !== undefined,
      },
    });
    return connectionIds.length;
  });
  invalidate({ kind: "service", orgId: actor.orgId });
  return { id: row.id, linkName: row.linkName, revoked };
}
