import "server-only";
import type { Db } from "@/db";
import { recordAudit } from "@/lib/audit";
import type { Actor } from "@/lib/auth/users";
import { revokeToken } from "@/lib/oauth2";
import { oauthTransport } from "@/lib/outbound";
import type { ServiceDefinition } from "@/lib/services/definition";
import { loadServiceClient, resolveService } from "@/lib/services/resolve";
import { loadVisibleConnection, serviceRefOf } from "./access";
import { clearCredential, findCredential, openCredential, type CredentialRow } from "./credentials";

/**
 * Tells the provider to forget a token (RFC 7009) where it has a revocation endpoint.
 * Best effort: the local secret is deleted whatever the provider answers.
 */
export async function revokeAtProvider(
  db: Db,
  orgId: string,
  service: ServiceDefinition,
  credential: CredentialRow,
): Promise<"revoked" | "no_endpoint" | "failed"> {
  if (service.authType !== "oauth2" || !service.oauth2?.revocationUrl) return "no_endpoint";
  try {
    const payload = openCredential(credential);
    if (payload?.type !== "oauth2") return "no_endpoint";
    const client = await loadServiceClient(db, orgId, service);
    const endpoints = {
      issuer: service.oauth2.issuer,
      tokenUrl: service.oauth2.tokenUrl,
      revocationUrl: service.oauth2.revocationUrl,
      tokenAuthMethod: service.oauth2.tokenAuthMethod,
    };
    // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1).
    const token = payload.refreshToken ?? payload.accessToken;
    const hint = payload.refreshToken ? "refresh_token" : "access_token";
    await revokeToken({ endpoints, client, token, tokenTypeHint: hint, transport: oauthTransport() });
    return "revoked";
  } catch {
    return "failed";
  }
}

/**
 * Revoke (own or shared): the actor's own credential for the connection is revoked at the
 * provider where possible and deleted here; the connection stays, not connected.
 */
export async function revokeConnection(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ provider: "revoked" | "no_endpoint" | "failed" | "nothing_to_revoke" }> {
  const row = await loadVisibleConnection(db, actor, id);
  const credential = await findCredential(db, row.id, actor.id);
  if (!credential?.payloadSealed) return { provider: "nothing_to_revoke" };
  const service = await resolveService(db, actor.orgId, serviceRefOf(row));
  const provider = await revokeAtProvider(db, actor.orgId, service, credential);
  await db.transaction(async (tx) => {
    await clearCredential(tx, credential.id);
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.revoked",
      connectionId: row.id,
      detail: { provider },
    });
  });
  return { provider };
}
