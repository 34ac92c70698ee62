import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { oauthTransactions } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { AuthorizationFailed, Invalid, type ConsentMode } from "@/lib/errors";
import { buildAuthorizeUrl, fetchAccessToken, fetchRequestToken } from "@/lib/oauth1";
import { buildAuthorizationUrl, clientCredentialsToken, createPkce, exchangeAuthorizationCode, randomState } from "@/lib/oauth2";
import { oauthTransport, outboundFetch } from "@/lib/http/outbound";
import { openJson, sealJson } from "@/lib/secrets";
import { oauth2Endpoints } from "@/lib/services/oauth2-endpoints";
import { authorizationFailure, providerErrorCode } from "@/lib/services/provider-errors";
import { loadServiceClient, resolveService } from "@/lib/services/resolve";
import { credentialUserFor, loadVisibleConnection, serviceRefOf, type ConnectionRow } from "./access";
import { storeCredential } from "@/lib/credentials/credentials";

/** A consent flow must come back within this time (docs/product.md §9: short-lived state). */
const TRANSACTION_TTL_MS = 10 * 60 * 1000;

export function redirectUri(): string {
  return `${env().APP_URL}/api/oauth/callback`;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

/** The connection and service an actor may authenticate now, with their own account. */
async function loadForAuthorization(db: Db, actor: Actor, connectionId: string) {
  const connection = await loadVisibleConnection(db, actor, connectionId);
  if (credentialUserFor(connection, actor.id) !== actor.id) {
    throw new Invalid("Only the owner can connect this connection");
  }
  const service = await resolveService(db, actor, serviceRefOf(connection));
  return { connection, service };
}

export type StartMode = ConsentMode;
export { AuthorizationFailed };

/**
 * Starts a consent flow (OAuth 2 authorization code or OAuth 1.0a): records a single-use
 * transaction bound to the user and to this browser, and returns the provider's URL.
 */
export async function startAuthorization(
  db: Db,
  actor: Actor,
  input: { connectionId: string; browserBinding: string; mode: StartMode },
): Promise<{ redirectTo: string }> {
  const { connection, service } = await loadForAuthorization(db, actor, input.connectionId);
  const client = await loadServiceClient(db, actor, service);
  // Expired transactions of anybody are swept here, so the table never grows unbounded.
  await db.delete(oauthTransactions).where(lt(oauthTransactions.expiresAt, new Date()));
  const id = randomUUID();
  const base = {
    id,
    orgId: actor.orgId,
    userId: actor.id,
    connectionId: connection.id,
    browserBindingHash: sha256(input.browserBinding),
    requestedScopes: connection.scopes,
    returnTo: input.mode,
    expiresAt: new Date(Date.now() + TRANSACTION_TTL_MS),
  };

  if (service.authType === "oauth2" && service.oauth2?.grantType === "authorization_code") {
    const state = randomState();
    const pkce = service.oauth2.pkce ? createPkce() : undefined;
    await db.insert(oauthTransactions).values({
      ...base,
      kind: "oauth2",
      lookupHash: sha256(`oauth2:${state}`),
      secretSealed: sealJson("oauthTransaction", { id, userId: actor.id }, { verifier: pkce?.verifier ?? null }),
      expectedIssuer: service.oauth2.issuer ?? null,
    });
    const url = buildAuthorizationUrl({
      endpoints: oauth2Endpoints(service),
      client,
      redirectUri: redirectUri(),
      scopes: connection.scopes,
      delimiter: connection.scopeDelimiter,
      state,
      pkceChallenge: pkce?.challenge,
      extraParams: service.oauth2.extraAuthorizeParams,
    });
    return { redirectTo: url.toString() };
  }

  if (service.authType === "oauth1" && service.oauth1) {
    const requestToken = await fetchRequestToken({
      requestTokenUrl: service.oauth1.requestTokenUrl,
      consumerKey: client.clientId,
      consumerSecret: client.clientSecret,
      callbackUrl: redirectUri(),
      paramType: service.oauth1.paramType,
      fetch: outboundFetch() as typeof fetch,
    }).catch((error: unknown) => {
      throw authorizationFailure(service, error);
    });
    await db.insert(oauthTransactions).values({
      ...base,
      kind: "oauth1",
      lookupHash: sha256(`oauth1:${requestToken.token}`),
      secretSealed: sealJson("oauthTransaction", { id, userId: actor.id }, { tokenSecret: requestToken.tokenSecret }),
    });
    return {
      redirectTo: buildAuthorizeUrl(service.oauth1.authorizeUrl, requestToken.token, service.oauth1.extraAuthorizeParams),
    };
  }

  throw new Invalid(`${service.name} does not use a consent page`);
}

const INVALID_STATE = "This authorization link is invalid, expired or was already used. Start again from the connection.";

/**
 * The provider's redirect back to /api/oauth/callback: finds the transaction (consuming it,
 * so a replay finds nothing), checks it belongs to this user and browser and is fresh,
 * exchanges the code or verifier on the server, and stores the credential.
 */
export async function completeAuthorization(
  db: Db,
  actor: Actor,
  input: { callbackUrl: URL; browserBinding: string | undefined },
): Promise<{ connectionId: string; mode: StartMode }> {
  const params = input.callbackUrl.searchParams;
  const isOAuth1 = params.has("oauth_token") && !params.has("state");
  const key = isOAuth1 ? `oauth1:${params.get("oauth_token")}` : `oauth2:${params.get("state") ?? ""}`;
  if (!isOAuth1 && !params.get("state")) throw new AuthorizationFailed(INVALID_STATE);
  // Delete-returning consumes the transaction atomically: two racing callbacks cannot both use it.
  const [tx] = await db
    .delete(oauthTransactions)
    .where(eq(oauthTransactions.lookupHash, sha256(key)))
    .returning();
  if (!tx) throw new AuthorizationFailed(INVALID_STATE);
  const mode = (tx.returnTo === "redirect" ? "redirect" : "popup") as StartMode;
  if (tx.expiresAt.getTime() < Date.now()) throw new AuthorizationFailed(INVALID_STATE, tx.connectionId, mode);
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
    );
  }
  const { connection, service } = await loadForAuthorization(db, actor, tx.connectionId);
  const secret = openJson<{ verifier?: string | null; tokenSecret?: string }>(
    "oauthTransaction",
    { id: tx.id, userId: tx.userId },
    tx.secretSealed,
  );
  try {
    const client = await loadServiceClient(db, actor, service);
    if (tx.kind === "oauth2") {
      const tokens = await exchangeAuthorizationCode({
        endpoints: oauth2Endpoints(service),
        client,
        redirectUri: redirectUri(),
        currentUrl: input.callbackUrl,
        expectedState: params.get("state")!,
        pkceVerifier: secret.verifier ?? undefined,
        requestedScopes: tx.requestedScopes,
        delimiter: connection.scopeDelimiter,
        transport: oauthTransport(),
      });
      await saveOAuth2Tokens(db, actor, connection, tokens, tx.requestedScopes);
    } else {
      if (params.has("denied")) throw new AuthorizationFailed(`Access was denied at ${service.name}. Nothing was stored.`);
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
        fetch: outboundFetch() as typeof fetch,
      });
      await db.transaction(async (t) => {
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
    }
  } catch (error) {
    const failure = authorizationFailure(service, error, connection.id, mode);
    await recordAudit(db, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.authorization_failed",
      connectionId: connection.id,
      detail: { code: providerErrorCode(error) },
    });
    throw failure;
  }
  return { connectionId: connection.id, mode };
}

async function saveOAuth2Tokens(
  db: Db,
  actor: Actor,
  connection: ConnectionRow,
  tokens: Awaited<ReturnType<typeof exchangeAuthorizationCode>>,
  requested: string[],
) {
  const granted = tokens.scope ?? requested;
  await db.transaction(async (t) => {
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
    });
    await recordAudit(t, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.authorized",
      connectionId: connection.id,
      detail: { method: "oauth2", grantedScopes: granted },
    });
  });
}

/** OAuth 2 client credentials: the token is fetched at once with the service's client, no popup. */
export async function connectClientCredentials(db: Db, actor: Actor, connectionId: string): Promise<void> {
  const { connection, service } = await loadForAuthorization(db, actor, connectionId);
  if (service.authType !== "oauth2" || service.oauth2?.grantType !== "client_credentials") {
    throw new Invalid(`${service.name} does not use the client credentials grant`);
  }
  const client = await loadServiceClient(db, actor, service);
  try {
    const tokens = await clientCredentialsToken({
      endpoints: oauth2Endpoints(service),
      client,
      scopes: connection.scopes,
      delimiter: connection.scopeDelimiter,
      transport: oauthTransport(),
    });
    await saveOAuth2Tokens(db, actor, connection, tokens, connection.scopes);
  } catch (error) {
    throw authorizationFailure(service, error, connection.id);
  }
}
