import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { oauthTransactions } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { invalidate } from "@/lib/cache/invalidation";
import { storeCredential } from "@/lib/credentials/credentials";
import { AuthorizationFailed, type ConsentMode } from "@/lib/errors";
import { oauth1Transport, oauthTransport } from "@/lib/http/outbound";
import { fetchAccessToken } from "@/lib/oauth1";
import { exchangeAuthorizationCode } from "@/lib/oauth2";
import { openJson } from "@/lib/secrets";
import { oauth2Endpoints } from "@/lib/services/oauth2-endpoints";
import { authorizationFailure, providerErrorCode } from "@/lib/services/provider-errors";
import { redirectUriFor } from "@/lib/services/redirect-uri";
import { loadServiceClient, lockServiceVersion } from "@/lib/services/resolve";
import { loadForAuthorization, sha256 } from "./authorization-access";
import { saveOAuth2Tokens } from "./save-oauth2-tokens";

export const INVALID_STATE = "This authorization link is invalid, expired or was already used. Start again from the connection.";
export const WRONG_SERVICE =
  "This authorization response arrived for another service than the one it was started for, and was refused. Start again from the connection.";
export const SERVICE_CHANGED =
  "The service's settings changed while you were authorizing, so this authorization was refused. Start again from the connection.";

/**
 * The provider's redirect back to /api/oauth/callback/<service link name>:
 * 1. finds the transaction by its state (or request token); one of another service's path
 *    is refused WITHOUT consuming it, so the rightful flow can still complete (RFC 9700 §4.4);
 * 2. consumes it atomically (a replay finds nothing), checks it belongs to this user and
 *    browser, is fresh, and was started under the service's current settings;
 * 3. exchanges the code or verifier on the server (`iss` checked when the provider sends
 *    one) and stores the credential.
 */
export async function completeAuthorization(
  db: Db,
  actor: Actor,
  input: { callbackUrl: URL; browserBinding: string | undefined; serviceLinkName: string },
): Promise<{ connectionId: string; mode: ConsentMode; accountChanged: boolean }> {
  const params = input.callbackUrl.searchParams;
  const isOAuth1 = params.has("oauth_token") && !params.has("state");
  const key = isOAuth1 ? `oauth1:${params.get("oauth_token")}` : `oauth2:${params.get("state") ?? ""}`;
  if (!isOAuth1 && !params.get("state")) throw new AuthorizationFailed(INVALID_STATE, undefined, "popup", "expired");
  const lookupHash = sha256(key);
  // Delete-returning, on this service's path only, consumes the transaction atomically:
  // two racing callbacks cannot both use it, and another service's path consumes nothing.
  const [tx] = await db
    .delete(oauthTransactions)
    .where(and(eq(oauthTransactions.lookupHash, lookupHash), eq(oauthTransactions.serviceLinkName, input.serviceLinkName)))
    .returning();
  if (!tx) {
    const [elsewhere] = await db
      .select({ id: oauthTransactions.id })
      .from(oauthTransactions)
      .where(eq(oauthTransactions.lookupHash, lookupHash))
      .limit(1);
    throw new AuthorizationFailed(
      elsewhere ? WRONG_SERVICE : INVALID_STATE,
      undefined,
      "popup",
      elsewhere ? "wrong_service" : "expired",
    );
  }
  const mode = (tx.returnTo === "redirect" ? "redirect" : "popup") as ConsentMode;
  if (tx.expiresAt.getTime() < Date.now()) throw new AuthorizationFailed(INVALID_STATE, tx.connectionId, mode, "expired");
  if (
    tx.userId !== actor.id ||
    tx.orgId !== actor.orgId ||
    !input.browserBinding ||
    sha256(input.browserBinding) !== tx.browserBindingHash
  ) {
    throw new AuthorizationFailed(
      "This authorization was started in another session. Start it again from the connection, in this browser.",
      undefined,
      mode,
      "other_session",
    );
  }
  const { connection, service } = await loadForAuthorization(db, actor, tx.connectionId);
  const secret = openJson<{ verifier?: string | null; tokenSecret?: string }>("oauthTransaction", tx, tx.secretSealed);
  let accountChanged = false;
  try {
    const client = await loadServiceClient(db, actor, service);
    if (service.linkName !== tx.serviceLinkName)
      throw new AuthorizationFailed(WRONG_SERVICE, connection.id, mode, "wrong_service");
    if (client.version !== tx.serviceVersion)
      throw new AuthorizationFailed(SERVICE_CHANGED, connection.id, mode, "service_changed");
    if (tx.kind === "oauth2") {
      const tokens = await exchangeAuthorizationCode({
        endpoints: oauth2Endpoints(service),
        client,
        redirectUri: redirectUriFor(service.linkName),
        currentUrl: input.callbackUrl,
        expectedState: params.get("state")!,
        pkceVerifier: secret.verifier ?? undefined,
        requestedScopes: tx.requestedScopes,
        delimiter: connection.scopeDelimiter,
        transport: oauthTransport(),
      });
      ({ accountChanged } = await saveOAuth2Tokens(db, actor, {
        connection,
        service,
        serviceVersion: tx.serviceVersion,
        tokens,
        requested: tx.requestedScopes,
      }));
    } else {
      if (params.has("denied")) {
        throw new AuthorizationFailed(`Access was denied at ${service.name}. Nothing was stored.`, connection.id, mode, "denied");
      }
      const verifier = params.get("oauth_verifier");
      if (!verifier) throw new AuthorizationFailed(`${service.name} did not send back a verifier. Start again.`);
      const access = await fetchAccessToken({
        accessTokenUrl: service.oauth1!.accessTokenUrl,
        consumerKey: client.clientId,
        consumerSecret: client.clientSecret,
        token: params.get("oauth_token")!,
        tokenSecret: secret.tokenSecret ?? "",
        verifier,
        paramType: service.oauth1!.paramType,
        fetch: oauth1Transport(),
      });
      await db.transaction(async (t) => {
        if ((await lockServiceVersion(t, actor, service)) !== tx.serviceVersion) {
          throw new AuthorizationFailed(SERVICE_CHANGED, connection.id, mode, "service_changed");
        }
        await storeCredential(t, {
          orgId: actor.orgId,
          connectionId: connection.id,
          userId: actor.id,
          payload: { type: "oauth1", token: access.token, tokenSecret: access.tokenSecret },
          grantedScopes: [],
        });
        await recordAudit(t, {
          orgId: actor.orgId,
          actorId: actor.id,
          action: "connection.authorized",
          connectionId: connection.id,
          detail: { method: "oauth1" },
        });
      });
      invalidate({ kind: "connection", orgId: actor.orgId, connectionId: connection.id });
    }
  } catch (error) {
    const failure = authorizationFailure(service, error, connection.id, mode);
    await recordAudit(db, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.authorization_failed",
      connectionId: connection.id,
      detail: { code: error instanceof AuthorizationFailed ? "authorization_failed" : providerErrorCode(error) },
    });
    throw failure;
  }
  return { connectionId: connection.id, mode, accountChanged };
}
