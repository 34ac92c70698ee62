import "server-only";
import type { Db } from "@/db";
import type { OrgScope } from "@/lib/auth/users";
import { openCredential, type CredentialRow } from "@/lib/credentials/credentials";
import { oauthTransport } from "@/lib/http/outbound";
import { revokeToken } from "@/lib/oauth2";
import type { ServiceDefinition } from "./definition";
import { oauth2Endpoints } from "./oauth2-endpoints";
import { loadServiceClient } from "./resolve";

export type ProviderRevocation = "revoked" | "no_endpoint" | "failed";

/**
 * Tells the provider to forget a token (RFC 7009) where it has a revocation endpoint.
 * Best effort: callers delete the local secret whatever the provider answers.
 */
export async function revokeAtProvider(
  db: Db,
  scope: OrgScope,
  input: { service: ServiceDefinition; credential: CredentialRow },
): Promise<ProviderRevocation> {
  const { service, credential } = input;
  if (service.authType !== "oauth2" || !service.oauth2?.revocationUrl) return "no_endpoint";
  try {
    const payload = openCredential(credential);
    if (payload?.type !== "oauth2") return "no_endpoint";
    const client = await loadServiceClient(db, scope, service);
    // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1).
    const token = payload.refreshToken ?? payload.accessToken;
    const hint = payload.refreshToken ? "refresh_token" : "access_token";
    await revokeToken({ endpoints: oauth2Endpoints(service), client, token, tokenTypeHint: hint, transport: oauthTransport() });
    return "revoked";
  } catch {
    return "failed";
  }
}
