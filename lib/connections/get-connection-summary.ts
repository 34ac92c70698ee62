import "server-only";
import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { connectKindOf, credentialHosts, usesConsentPopup, type ServiceDefinition } from "@/lib/services/definition";
import { hasServiceClient, resolveService } from "@/lib/services/resolve";
import { loadVisibleConnection, serviceRefOf } from "./access";
import { findCredential } from "@/lib/credentials/credentials";
import type { ConnectionStatus, ConnectionSummaryDto } from "./dto";
import { healthSql } from "./health";

export function credentialFields(service: ServiceDefinition): ConnectionSummaryDto["credentialFields"] {
  if (service.authType === "api_key") {
    return (service.apiKey?.params ?? []).map((p) => ({ name: p.name, label: p.displayName, secret: true }));
  }
  if (service.authType === "basic") {
    return [
      { name: "username", label: service.basic?.usernameLabel ?? "Username", secret: false },
      { name: "password", label: service.basic?.passwordLabel ?? "Password", secret: true },
    ];
  }
  return [];
}

/** Everything the "Connection summary" page shows (docs/product.md §4), from the asking user's point of view. */
export async function getConnectionSummary(db: Db, actor: Actor, id: string): Promise<ConnectionSummaryDto> {
  const row = await loadVisibleConnection(db, actor, id);
  const service = await resolveService(db, actor, serviceRefOf(row));
  const [credential, [owner], [{ shared }], configured, [{ health }]] = await Promise.all([
    // Visible means own or shared, so the credential that counts for this page is always the actor's.
    findCredential(db, row.id, actor.id),
    db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, row.ownerId)),
    db
      .select({ shared: sql<number>`count(*)::int` })
      .from(credentials)
      .where(
        and(eq(credentials.connectionId, row.id), ne(credentials.userId, row.ownerId), isNotNull(credentials.payloadSealed)),
      ),
    hasServiceClient(db, actor, service),
    db
      .select({ health: healthSql })
      .from(connections)
      .leftJoin(credentials, and(eq(credentials.connectionId, connections.id), eq(credentials.userId, actor.id)))
      .where(eq(connections.id, row.id)),
  ]);
  const status: ConnectionStatus =
    credential?.status === "connected" ? "connected" : credential?.status === "needs_reauth" ? "needs_reauth" : "not_connected";
  return {
    id: row.id,
    name: row.name,
    linkName: row.linkName,
    service: {
      name: service.name,
      linkName: service.linkName,
      kind: service.ref.kind,
      authType: service.authType,
      docsUrl: service.docsUrl,
      baseUrl: service.api.baseUrl,
      scopeChoices: service.oauth2?.scopes.map((s) => ({ name: s.name, description: s.description })) ?? [],
      freeScopes: service.oauth2?.freeScopes ?? false,
    },
    scopes: row.scopes,
    scopeDelimiter: row.scopeDelimiter,
    useLoginUserCredentials: row.useLoginUserCredentials,
    access: row.access,
    credentialHosts: credentialHosts(service),
    serviceVersion: service.version,
    owner,
    isOwner: row.ownerId === actor.id,
    status,
    health,
    grantedScopes: status === "connected" ? (credential?.grantedScopes ?? []) : [],
    authorizedAt: credential?.authorizedAt?.toISOString() ?? null,
    expiresAt: status === "connected" ? (credential?.expiresAt?.toISOString() ?? null) : null,
    lastUsedAt: (credential?.lastUsedAt ?? row.lastUsedAt)?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    notConfigured: !configured,
    usesPopup: usesConsentPopup(service),
    connectKind: connectKindOf(service),
    credentialFields: credentialFields(service),
    sharedAuthorizedCount: shared,
  };
}
