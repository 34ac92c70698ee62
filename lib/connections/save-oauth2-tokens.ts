import "server-only";
import type { Db } from "@/db";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { invalidate } from "@/lib/cache/invalidation";
import { findCredential, storeCredential } from "@/lib/credentials/credentials";
import type { TokenSet } from "@/lib/oauth2";
import { AuthorizationFailed } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { lockServiceVersion } from "@/lib/services/resolve";
import type { ConnectionRow } from "./access";

export const SERVICE_CHANGED_WHILE_CONNECTING =
  "The service's settings changed while you were connecting, so nothing was stored. Start again from the connection.";

/**
 * Stores the actor's OAuth 2 tokens for a connection and records the authorization.
 * `accountChanged`: the provider says another account consented than the one before (both
 * known: the ID token's `sub`), so a reconnect can warn that calls now act as someone else.
 */
export async function saveOAuth2Tokens(
  db: Db,
  actor: Actor,
  input: { connection: ConnectionRow; service: ServiceDefinition; serviceVersion: number; tokens: TokenSet; requested: string[] },
): Promise<{ accountChanged: boolean }> {
  const { connection, service, tokens } = input;
  const granted = tokens.scope ?? input.requested;
  let accountChanged = false;
  await db.transaction(async (t) => {
    // An edit of the service since the flow began revokes what it would have given (docs/product.md §6).
    if ((await lockServiceVersion(t, actor, service)) !== input.serviceVersion) {
      throw new AuthorizationFailed(SERVICE_CHANGED_WHILE_CONNECTING, connection.id, "popup", "service_changed");
    }
    const before = (await findCredential(t, connection.id, actor.id))?.providerAccountId;
    accountChanged = !!before && !!tokens.subject && before !== tokens.subject;
    await storeCredential(t, {
      orgId: actor.orgId,
      connectionId: connection.id,
      userId: actor.id,
      payload: {
        type: "oauth2",
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        tokenType: tokens.tokenType,
      },
      grantedScopes: granted,
      expiresAt: tokens.expiresAt ?? null,
      renewable: !!tokens.refreshToken || service.oauth2?.grantType === "client_credentials",
      providerAccountId: tokens.subject ?? null,
    });
    await recordAudit(t, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.authorized",
      connectionId: connection.id,
      detail: { method: "oauth2", grantedScopes: granted, ...(accountChanged ? { accountChanged } : {}) },
    });
  });
  invalidate({ kind: "connection", orgId: actor.orgId, connectionId: connection.id });
  return { accountChanged };
}
