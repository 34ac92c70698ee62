import "server-only";
import { randomUUID } from "node:crypto";
import { lt } from "drizzle-orm";
import type { Db } from "@/db";
import { oauthTransactions } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { Invalid, type ConsentMode } from "@/lib/errors";
import { oauth1Transport } from "@/lib/http/outbound";
import { buildAuthorizeUrl, fetchRequestToken } from "@/lib/oauth1";
import { buildAuthorizationUrl, createPkce, randomState } from "@/lib/oauth2";
import { sealJson } from "@/lib/secrets";
import { oauth2Endpoints } from "@/lib/services/oauth2-endpoints";
import { authorizationFailure } from "@/lib/services/provider-errors";
import { redirectUriFor } from "@/lib/services/redirect-uri";
import { loadServiceClient } from "@/lib/services/resolve";
import { loadForAuthorization, sha256, TRANSACTION_TTL_MS } from "./authorization-access";

/**
 * Starts a consent flow (OAuth 2 authorization code or OAuth 1.0a): records a single-use
 * transaction bound to the user, to this browser, to the service (its callback path) and
 * to the version of the service's settings, and returns the provider's URL.
 */
export async function startAuthorization(
  db: Db,
  actor: Actor,
  input: { connectionId: string; browserBinding: string; mode: ConsentMode },
): Promise<{ redirectTo: string }> {
  const { connection, service } = await loadForAuthorization(db, actor, input.connectionId);
  const client = await loadServiceClient(db, actor, service);
  // Expired transactions of anybody are swept here, so the table never grows unbounded.
  await db.delete(oauthTransactions).where(lt(oauthTransactions.expiresAt, new Date()));
  const id = randomUUID();
  const redirectUri = redirectUriFor(service.linkName);
  const base = {
    id,
    orgId: actor.orgId,
    userId: actor.id,
    connectionId: connection.id,
    browserBindingHash: sha256(input.browserBinding),
    serviceLinkName: service.linkName,
    serviceVersion: client.version,
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
      secretSealed: sealJson("oauthTransaction", base, { verifier: pkce?.verifier ?? null }),
      expectedIssuer: service.oauth2.issuer ?? null,
    });
    const url = buildAuthorizationUrl({
      endpoints: oauth2Endpoints(service),
      client,
      redirectUri,
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
      callbackUrl: redirectUri,
      paramType: service.oauth1.paramType,
      fetch: oauth1Transport(),
    }).catch((error: unknown) => {
      throw authorizationFailure(service, error);
    });
    await db.insert(oauthTransactions).values({
      ...base,
      kind: "oauth1",
      lookupHash: sha256(`oauth1:${requestToken.token}`),
      secretSealed: sealJson("oauthTransaction", base, { tokenSecret: requestToken.tokenSecret }),
    });
    return {
      redirectTo: buildAuthorizeUrl(service.oauth1.authorizeUrl, requestToken.token, service.oauth1.extraAuthorizeParams),
    };
  }

  throw new Invalid(`${service.name} does not use a consent page`);
}
