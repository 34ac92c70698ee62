import "server-only";
import * as oauth from "oauth4webapi";
import type { ScopeDelimiter } from "@/lib/validation/enums";
import { validateCallback } from "./authorization";
import { OAuth2Error } from "./errors";
import {
  authorizationServer,
  clientAuthentication,
  httpOptions,
  knownIssuer,
  normalizeTokenResponse,
  oauthClient,
  redacted,
  timeoutOf,
  toOAuth2Error,
  toTokenSet,
} from "./internal";
import { joinScopes, splitScopes } from "./scopes";
import type { OAuth2Client, OAuth2Endpoints, TokenSet, TransportOptions } from "./types";

/* ------------------------------------------------------------------ grants */

export type ExchangeAuthorizationCodeInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  /** Exactly the redirect URI sent in the authorization request. */
  redirectUri: string;
  /** The callback URL as received, with its query. */
  currentUrl: URL;
  expectedState: string;
  pkceVerifier?: string;
  requestedScopes: readonly string[];
  /** The connection's delimiter, to read a `scope` answer written with it. */
  delimiter?: ScopeDelimiter;
  transport: TransportOptions;
};

/** Validates the authorization response and exchanges its code for tokens. */
export async function exchangeAuthorizationCode(input: ExchangeAuthorizationCodeInput): Promise<TokenSet> {
  const { endpoints, transport } = input;
  const issuerKnown = knownIssuer(endpoints) !== undefined;
  const as = authorizationServer(endpoints);
  const client = oauthClient(input.client);
  const params = validateCallback(as, client, input.currentUrl, input.expectedState, issuerKnown);
  const timeoutMs = timeoutOf(transport);
  const secrets = [input.client.clientSecret, params.get("code") ?? undefined, input.pkceVerifier];
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthentication(endpoints, input.client),
      params,
      input.redirectUri,
      input.pkceVerifier ? input.pkceVerifier : oauth.nopkce,
      httpOptions(transport),
    );
    const json = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await normalizeTokenResponse(response, issuerKnown, secrets),
    );
    const tokens = toTokenSet(json, input.requestedScopes, input.delimiter);
    const claims = tokens.idToken ? oauth.getValidatedIdTokenClaims(json) : undefined;
    if (typeof claims?.sub === "string" && claims.sub) tokens.subject = claims.sub;
    return tokens;
  } catch (err) {
    throw redacted(toOAuth2Error(err, "token", timeoutMs, secrets), secrets);
  }
}

export type RefreshTokensInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  refreshToken: string;
  /** The scopes granted so far; reported again when the response has no `scope`. */
  grantedScopes?: readonly string[];
  delimiter?: ScopeDelimiter;
  transport: TransportOptions;
};

/**
 * The refresh_token grant, at `refreshUrl` when set, else at `tokenUrl`.
 * A refused refresh token gives `OAuth2Error` code "invalid_grant" (the credential
 * needs re-authentication); an endpoint failure gives "token_endpoint_error".
 */
export async function refreshTokens(input: RefreshTokensInput): Promise<TokenSet> {
  const { endpoints, transport } = input;
  if (!input.refreshToken) throw new OAuth2Error("invalid_grant", "There is no refresh token to refresh with");
  const as = authorizationServer(endpoints, endpoints.refreshUrl || endpoints.tokenUrl);
  const client = oauthClient(input.client);
  const timeoutMs = timeoutOf(transport);
  const secrets = [input.client.clientSecret, input.refreshToken];
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuthentication(endpoints, input.client),
      input.refreshToken,
      httpOptions(transport),
    );
    const json = await oauth.processRefreshTokenResponse(
      as,
      client,
      await normalizeTokenResponse(response, knownIssuer(endpoints) !== undefined, secrets),
    );
    return toTokenSet(json, input.grantedScopes, input.delimiter, input.refreshToken);
  } catch (err) {
    throw redacted(toOAuth2Error(err, "token", timeoutMs, secrets), secrets);
  }
}

export type ClientCredentialsInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  scopes: readonly string[];
  delimiter: ScopeDelimiter;
  transport: TransportOptions;
};

/** The client_credentials grant (RFC 6749 §4.4). */
export async function clientCredentialsToken(input: ClientCredentialsInput): Promise<TokenSet> {
  const { endpoints, transport } = input;
  const as = authorizationServer(endpoints);
  const client = oauthClient(input.client);
  const scope = joinScopes(input.scopes, input.delimiter);
  const timeoutMs = timeoutOf(transport);
  const secrets = [input.client.clientSecret];
  try {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuthentication(endpoints, input.client),
      scope ? { scope } : {},
      httpOptions(transport),
    );
    const json = await oauth.processClientCredentialsResponse(
      as,
      client,
      await normalizeTokenResponse(response, knownIssuer(endpoints) !== undefined, secrets),
    );
    return toTokenSet(json, splitScopes(scope, input.delimiter), input.delimiter);
  } catch (err) {
    throw redacted(toOAuth2Error(err, "token", timeoutMs, secrets), secrets);
  }
}
