import "server-only";

import * as oauth from "oauth4webapi";

import { percentEncode } from "@/lib/http/form";
import { redactProviderText } from "@/lib/http/redact";
import type { ProviderTransport } from "@/lib/http/outbound";
import type { ScopeDelimiter, TokenAuthMethod } from "@/lib/validation/enums";

import { OAuth2Error } from "./errors";
import { joinScopes, splitScopes } from "./scopes";

/* ------------------------------------------------------------------ types */

export type OAuth2Endpoints = {
  /**
   * The provider's exact issuer identifier (RFC 8414 / OIDC discovery), when known.
   * Known: the `iss` authorization response parameter is checked when present, and
   * an ID token in a token response is validated (iss, aud, exp, no nonce).
   * Unknown (plain custom services): neither can be checked; `iss` is ignored and
   * an ID token is dropped from the result.
   */
  issuer?: string;
  authorizeUrl?: string;
  tokenUrl: string;
  /** Token endpoint for the refresh_token grant when it differs from `tokenUrl`. */
  refreshUrl?: string;
  /** RFC 7009 revocation endpoint. */
  revocationUrl?: string;
  tokenAuthMethod: TokenAuthMethod;
  /**
   * The issuer's metadata says `authorization_response_iss_parameter_supported`
   * (RFC 9207): an authorization response without `iss` is then refused. Only
   * meaningful with `issuer`. Filled in by `discover`.
   */
  issParameterSupported?: boolean;
};

export type OAuth2Client = { clientId: string; clientSecret: string };

/**
 * The fetch to use for every request to the provider (the SSRF-guarded one in the app),
 * whether plain-http endpoints are allowed (only when the operator allows private
 * networks), and the bound on each request (default `DEFAULT_TIMEOUT_MS`).
 */
export type TransportOptions = ProviderTransport;

export type TokenSet = {
  accessToken: string;
  /** Lower-cased, as oauth4webapi normalizes it ("bearer"); "bearer" when the provider omitted it. */
  tokenType: string;
  /**
   * Authorization code / client credentials: the refresh token issued, if any.
   * Refresh: the refresh token to keep from now on: the new one when the provider
   * rotated it, else the one just used (RFC 6749 §6).
   */
  refreshToken?: string;
  /** From `expires_in`; absent when the provider did not say. */
  expiresAt?: Date;
  /** Granted scopes: the response's `scope`, else the requested (or previously granted) ones. */
  scope?: string[];
  /** A validated ID token; only ever set when the issuer is known. */
  idToken?: string;
};

export const DEFAULT_TIMEOUT_MS = 15_000;

/* --------------------------------------------------------------- plumbing */

/**
 * oauth4webapi needs an issuer in its AuthorizationServer object. For services
 * without one we use this value; it can never equal a real `iss` (we remove `iss`
 * from the callback before validation anyway) and is never sent anywhere.
 */
const NO_ISSUER = "urn:connections:oauth2:issuer-unknown";

function knownIssuer(endpoints: OAuth2Endpoints): string | undefined {
  const issuer = endpoints.issuer?.trim();
  return issuer ? issuer : undefined;
}

function authorizationServer(endpoints: OAuth2Endpoints, tokenUrl = endpoints.tokenUrl): oauth.AuthorizationServer {
  const issuer = knownIssuer(endpoints);
  return {
    issuer: issuer ?? NO_ISSUER,
    authorization_endpoint: endpoints.authorizeUrl,
    token_endpoint: tokenUrl,
    revocation_endpoint: endpoints.revocationUrl,
    authorization_response_iss_parameter_supported: issuer !== undefined && endpoints.issParameterSupported === true,
  };
}

function oauthClient(client: OAuth2Client): oauth.Client {
  if (!client.clientId) throw new OAuth2Error("invalid_configuration", "The OAuth 2 client id is missing");
  return { client_id: client.clientId };
}

function clientAuthentication(endpoints: OAuth2Endpoints, client: OAuth2Client): oauth.ClientAuth {
  // A client without a secret is a public client: it sends only its client_id.
  if (!client.clientSecret) return oauth.None();
  return endpoints.tokenAuthMethod === "client_secret_post"
    ? oauth.ClientSecretPost(client.clientSecret)
    : oauth.ClientSecretBasic(client.clientSecret);
}

function timeoutOf(transport: TransportOptions): number {
  const t = transport.timeoutMs;
  return typeof t === "number" && Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

function httpOptions(transport: TransportOptions) {
  const timeoutMs = timeoutOf(transport);
  return {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      transport.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body as BodyInit | null | undefined,
        redirect: init.redirect,
        signal: init.signal,
        ...(init.duplex ? { duplex: init.duplex } : {}),
      } as RequestInit),
    [oauth.allowInsecureRequests]: transport.allowInsecureRequests === true,
    // A fresh signal per request; it also bounds reading the body.
    signal: () => AbortSignal.timeout(timeoutMs),
  };
}

type EndpointKind = "token" | "revocation" | "discovery";

const ENDPOINT_LABEL: Record<EndpointKind, string> = {
  token: "token endpoint",
  revocation: "revocation endpoint",
  discovery: "metadata (discovery) endpoint",
};

const FAILURE_CODE: Record<EndpointKind, string> = {
  token: "token_endpoint_error",
  revocation: "revocation_endpoint_error",
  discovery: "discovery_error",
};

function refusalMessage(code: string, label: string, description?: string): string {
  let text: string;
  switch (code) {
    case "invalid_grant":
      text =
        "The provider refused the grant (invalid_grant): the authorization code or refresh token is invalid, expired, revoked or was already used";
      break;
    case "invalid_client":
      text =
        "The provider refused the client (invalid_client): check the client id, the client secret and the token authentication method";
      break;
    case "invalid_scope":
      text = "The provider refused the requested scopes (invalid_scope)";
      break;
    case "unauthorized_client":
      text = "The provider does not allow this client to use this grant type (unauthorized_client)";
      break;
    case "unsupported_grant_type":
      text = "The provider does not support this grant type (unsupported_grant_type)";
      break;
    default:
      text = `The provider's ${label} refused the request (${code})`;
  }
  return description ? `${text}: ${description}` : text;
}

function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const name = (e as { name?: unknown }).name;
    if (name === "TimeoutError" || name === "AbortError") return true;
  }
  return false;
}

/** A short, secret-free description of a network failure ("ECONNREFUSED", ...). */
function networkReason(err: unknown, secrets: ReadonlyArray<string | undefined>): string {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code) return code;
  }
  const message = err instanceof Error ? redactProviderText(err.message, secrets, 120) : undefined;
  return message ?? "network error";
}

/** Turns anything thrown while talking to an endpoint into an OAuth2Error. */
function toOAuth2Error(
  err: unknown,
  kind: EndpointKind,
  timeoutMs: number,
  secrets: ReadonlyArray<string | undefined> = [],
): OAuth2Error {
  if (err instanceof OAuth2Error) return err;
  const label = ENDPOINT_LABEL[kind];
  const failure = FAILURE_CODE[kind];

  if (err instanceof oauth.ResponseBodyError) {
    const description = redactProviderText(err.error_description, secrets, 200);
    if (err.status >= 500) {
      return new OAuth2Error(
        failure,
        `The provider's ${label} failed with HTTP ${err.status} (${redactProviderText(err.error, [], 60) ?? "error"}${
          description ? `: ${description}` : ""
        })`,
        err.status,
      );
    }
    return new OAuth2Error(err.error, refusalMessage(err.error, label, description), err.status);
  }

  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const params = err.cause.find((c) => typeof c.parameters.error === "string")?.parameters;
    const code = params?.error ?? (err.status === 401 ? "invalid_client" : failure);
    if (err.status >= 500) {
      return new OAuth2Error(failure, `The provider's ${label} failed with HTTP ${err.status}`, err.status);
    }
    return new OAuth2Error(code, refusalMessage(code, label, redactProviderText(params?.error_description, secrets, 200)), err.status);
  }

  if (err instanceof oauth.OperationProcessingError) {
    switch (err.code) {
      case oauth.HTTP_REQUEST_FORBIDDEN:
        return new OAuth2Error(
          "insecure_endpoint",
          `The provider's ${label} is not an https:// URL; plain http is allowed only when private networks are allowed`,
        );
      case oauth.REQUEST_PROTOCOL_FORBIDDEN:
        return new OAuth2Error("invalid_configuration", `The provider's ${label} must be an http(s) URL`);
      case oauth.MISSING_SERVER_METADATA:
      case oauth.INVALID_SERVER_METADATA:
        return new OAuth2Error("invalid_configuration", `The provider's ${label} URL is missing or invalid`);
      case oauth.RESPONSE_IS_NOT_CONFORM: {
        const status = err.cause instanceof Response ? err.cause.status : undefined;
        return new OAuth2Error(
          failure,
          status !== undefined && status >= 500
            ? `The provider's ${label} failed with HTTP ${status}`
            : `The provider's ${label} answered with an unexpected HTTP status${status ? ` ${status}` : ""}`,
          status,
        );
      }
      default:
        // PARSE_ERROR, RESPONSE_IS_NOT_JSON, INVALID_RESPONSE, JWT_* ...: oauth4webapi's
        // messages are fixed texts without values, safe to show.
        return new OAuth2Error(failure, `The provider's ${label} sent an invalid response: ${err.message}`);
    }
  }

  if (err instanceof oauth.UnsupportedOperationError) {
    return new OAuth2Error(failure, `The provider's ${label} sent an unsupported response: ${err.message}`);
  }

  if (isTimeout(err)) {
    return new OAuth2Error(failure, `The provider's ${label} did not answer within ${timeoutMs} ms`);
  }

  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof TypeError && typeof code === "string" && code.startsWith("ERR_INVALID_ARG")) {
    // oauth4webapi's argument checks: our inputs were unusable.
    return new OAuth2Error("invalid_configuration", `Invalid OAuth 2 configuration: ${err.message}`);
  }

  return new OAuth2Error(failure, `The provider's ${label} could not be reached (${networkReason(err, secrets)})`);
}

/**
 * Defence in depth: should a provider echo back what we sent (a code, a token, the
 * client secret) in its error_description, it does not reach our message.
 */
function redacted(err: OAuth2Error, secrets: ReadonlyArray<string | undefined>): OAuth2Error {
  let message = err.message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && message.includes(secret)) message = message.split(secret).join("[redacted]");
  }
  return message === err.message ? err : new OAuth2Error(err.code, message, err.status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Smooths over common provider deviations before oauth4webapi (the authority)
 * checks a successful token response:
 * - a form-encoded body (`access_token=...&...`) is read as JSON would be;
 * - `200` with `{"error": ...}` and no access token (GitHub does this) is an error;
 * - a missing `token_type` means "bearer" (LinkedIn and others omit it);
 * - without a known issuer the ID token cannot be validated, so it is removed.
 * Anything else (unparseable, missing access_token ...) is left for oauth4webapi
 * to refuse.
 */
async function normalizeTokenResponse(
  response: Response,
  keepIdToken: boolean,
  secrets: ReadonlyArray<string | undefined>,
): Promise<Response> {
  if (response.status !== 200) return response;
  const contentType = response.headers.get("content-type") ?? "";
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (/application\/x-www-form-urlencoded|text\/plain/i.test(contentType)) {
      const form = new URLSearchParams(text);
      if (form.has("access_token") || form.has("error")) body = Object.fromEntries(form);
    }
  }
  if (!isObject(body)) {
    return new Response(text, { status: 200, headers: contentType ? { "content-type": contentType } : {} });
  }
  if (typeof body.access_token !== "string" && typeof body.error === "string") {
    const code = redactProviderText(body.error, [], 60) ?? "error";
    throw new OAuth2Error(code, refusalMessage(code, ENDPOINT_LABEL.token, redactProviderText(body.error_description, secrets, 200)), 200);
  }
  if (body.token_type === undefined && typeof body.access_token === "string") body.token_type = "bearer";
  if (!keepIdToken) delete body.id_token;
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

function toTokenSet(
  json: oauth.TokenEndpointResponse,
  fallbackScopes: readonly string[] | undefined,
  delimiter: ScopeDelimiter | undefined,
  keepRefreshToken?: string,
): TokenSet {
  const set: TokenSet = { accessToken: json.access_token, tokenType: json.token_type };
  const refreshToken = json.refresh_token ?? keepRefreshToken;
  if (refreshToken) set.refreshToken = refreshToken;
  if (typeof json.expires_in === "number") set.expiresAt = new Date(Date.now() + json.expires_in * 1000);
  if (typeof json.scope === "string") set.scope = splitScopes(json.scope, delimiter);
  else if (fallbackScopes) set.scope = [...fallbackScopes];
  if (typeof json.id_token === "string") set.idToken = json.id_token;
  return set;
}

/* --------------------------------------------------- authorization request */

/** Parameters the flow itself sets; `extraParams` may not override them. */
const RESERVED_AUTHORIZE_PARAMS = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
]);

export type BuildAuthorizationUrlInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  redirectUri: string;
  scopes: readonly string[];
  delimiter: ScopeDelimiter;
  state: string;
  /** The S256 challenge from `createPkce()`. */
  pkceChallenge?: string;
  /** Provider-specific extras (`access_type`, `prompt`, `audience` ...). */
  extraParams?: Record<string, string>;
};

/**
 * The URL of the provider's authorization page for the authorization code grant.
 *
 * Scope encoding (decision): the `scope` value is `joinScopes(scopes, delimiter)`,
 * and every query value is percent-encoded per RFC 3986, never with '+' for space.
 * So the provider reads the chosen character back whether it form-decodes the
 * query (as RFC 6749 §4.1.1 says) or merely percent-decodes it:
 *   space → `scope=a%20b` → "a b"
 *   comma → `scope=a%2Cb` → "a,b"
 *   plus  → `scope=a%2Bb` → "a+b" (a literal '+')
 * A raw '+' is never sent: form-decoding reads it as a space, plain percent-decoding
 * as a '+', so its meaning would depend on the provider's parser. A provider whose
 * documentation shows `scope=a+b` inside a URL means form encoding of "a b", i.e.
 * the "space" delimiter; "plus" is for providers that want the '+' character itself.
 * The same values go into form bodies (client credentials), where URLSearchParams
 * encoding ('+' for space, %2B for '+') form-decodes to the same strings.
 *
 * Query parameters already in the configured authorize URL are kept, except the
 * ones this flow sets.
 */
export function buildAuthorizationUrl(input: BuildAuthorizationUrlInput): URL {
  const { endpoints, client } = input;
  if (!endpoints.authorizeUrl) {
    throw new OAuth2Error("invalid_configuration", "The service has no authorize URL");
  }
  let url: URL;
  try {
    url = new URL(endpoints.authorizeUrl);
  } catch {
    throw new OAuth2Error("invalid_configuration", "The authorize URL is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OAuth2Error("invalid_configuration", "The authorize URL must be an http(s) URL");
  }
  oauthClient(client);
  if (!input.state) throw new OAuth2Error("invalid_configuration", "An authorization request needs a state");
  if (!input.redirectUri) throw new OAuth2Error("invalid_configuration", "An authorization request needs a redirect URI");

  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!RESERVED_AUTHORIZE_PARAMS.has(key)) params.set(key, value);
  }
  for (const [key, value] of Object.entries(input.extraParams ?? {})) {
    if (RESERVED_AUTHORIZE_PARAMS.has(key)) {
      throw new OAuth2Error("invalid_configuration", `The authorization parameter "${key}" cannot be overridden`);
    }
    params.set(key, value);
  }
  params.set("response_type", "code");
  params.set("client_id", client.clientId);
  params.set("redirect_uri", input.redirectUri);
  const scope = joinScopes(input.scopes, input.delimiter);
  if (scope) params.set("scope", scope);
  params.set("state", input.state);
  if (input.pkceChallenge) {
    params.set("code_challenge", input.pkceChallenge);
    params.set("code_challenge_method", "S256");
  }

  url.search = [...params].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
  url.hash = "";
  return url;
}

/* ---------------------------------------------------- authorization response */

/**
 * Checks the callback's query: `iss` (RFC 9207) when the issuer is known, then
 * `state`, then an error response, then the code. Our own checks come first to
 * give precise error codes; oauth4webapi's `validateAuthResponse` then checks the
 * same again and brands the parameters for the code exchange.
 */
function validateCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  currentUrl: URL,
  expectedState: string,
  issuerKnown: boolean,
): URLSearchParams {
  if (!expectedState) throw new OAuth2Error("invalid_configuration", "No expected state was given");
  const params = new URLSearchParams(currentUrl.searchParams);
  // Without a known issuer there is nothing to compare `iss` with.
  if (!issuerKnown) params.delete("iss");

  if (issuerKnown) {
    const iss = params.get("iss");
    if (iss === null && as.authorization_response_iss_parameter_supported) {
      throw new OAuth2Error(
        "invalid_issuer",
        "The authorization response has no iss parameter although the provider always sends one (RFC 9207); it may not come from this provider",
      );
    }
    if (iss !== null && iss !== as.issuer) {
      throw new OAuth2Error(
        "invalid_issuer",
        `The authorization response was issued by a different provider than ${as.issuer} (RFC 9207 mix-up protection)`,
      );
    }
  }

  const state = params.get("state");
  if (state === null) {
    throw new OAuth2Error("invalid_state", "The authorization response has no state parameter");
  }
  if (state !== expectedState) {
    throw new OAuth2Error("invalid_state", "The authorization response's state does not match this authorization attempt");
  }

  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(as, client, params, expectedState);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) {
      const code = redactProviderText(err.error, [], 60) ?? "error";
      const description = redactProviderText(err.error_description);
      const text =
        code === "access_denied"
          ? "Access was denied at the provider (the user declined, or the provider refused the request) (access_denied)"
          : `The provider refused the authorization request (${code})`;
      throw new OAuth2Error(code, description ? `${text}: ${description}` : text);
    }
    if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError) {
      throw new OAuth2Error("invalid_response", `Invalid authorization response: ${err.message}`);
    }
    throw err;
  }
  if (!validated.get("code")) {
    throw new OAuth2Error("invalid_response", "The authorization response has no authorization code");
  }
  return validated;
}

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
    return toTokenSet(json, input.requestedScopes, input.delimiter);
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

/* -------------------------------------------------------------- revocation */

export type RevokeTokenInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  token: string;
  tokenTypeHint?: "access_token" | "refresh_token";
  transport: TransportOptions;
};

/**
 * RFC 7009 revocation. Returns false, without any request, when the service has
 * no revocation endpoint; true when the provider accepted the request (which,
 * per RFC 7009, it also does for tokens it no longer knows).
 */
export async function revokeToken(input: RevokeTokenInput): Promise<boolean> {
  const { endpoints, transport } = input;
  if (!endpoints.revocationUrl) return false;
  if (!input.token) return false;
  const as = authorizationServer(endpoints);
  const client = oauthClient(input.client);
  const timeoutMs = timeoutOf(transport);
  try {
    const response = await oauth.revocationRequest(as, client, clientAuthentication(endpoints, input.client), input.token, {
      ...httpOptions(transport),
      ...(input.tokenTypeHint ? { additionalParameters: { token_type_hint: input.tokenTypeHint } } : {}),
    });
    await oauth.processRevocationResponse(response);
    return true;
  } catch (err) {
    const secrets = [input.client.clientSecret, input.token];
    throw redacted(toOAuth2Error(err, "revocation", timeoutMs, secrets), secrets);
  }
}

/* --------------------------------------------------------------- discovery */

/**
 * Reads the provider's metadata: RFC 8414 (`/.well-known/oauth-authorization-server`)
 * first, then OpenID Connect discovery (`/.well-known/openid-configuration`). The
 * metadata's `issuer` must match `issuerUrl`. The client authentication method is
 * client_secret_basic unless the provider lists only client_secret_post.
 */
export async function discover(issuerUrl: string | URL, transport: TransportOptions): Promise<OAuth2Endpoints> {
  let issuer: URL;
  try {
    issuer = new URL(issuerUrl);
  } catch {
    throw new OAuth2Error("invalid_configuration", "The issuer is not a valid URL");
  }
  const timeoutMs = timeoutOf(transport);
  let lastError: OAuth2Error | undefined;
  for (const algorithm of ["oauth2", "oidc"] as const) {
    try {
      const response = await oauth.discoveryRequest(issuer, { ...httpOptions(transport), algorithm });
      const as = await oauth.processDiscoveryResponse(issuer, response);
      return endpointsFromMetadata(as);
    } catch (err) {
      lastError = toOAuth2Error(err, "discovery", timeoutMs);
      // Only a bad answer (404, not JSON, wrong issuer ...) is worth trying the other
      // document for; unreachable, timed out or refused locally will not get better.
      const answered =
        err instanceof oauth.OperationProcessingError ||
        err instanceof oauth.ResponseBodyError ||
        err instanceof oauth.WWWAuthenticateChallengeError;
      if (!answered || lastError.code === "insecure_endpoint" || lastError.code === "invalid_configuration") {
        throw lastError;
      }
    }
  }
  throw new OAuth2Error(
    "discovery_error",
    `No usable authorization server metadata at ${issuer.origin}: ${lastError?.message ?? "unknown error"}`,
    lastError?.status,
  );
}

function endpointsFromMetadata(as: oauth.AuthorizationServer): OAuth2Endpoints {
  if (typeof as.token_endpoint !== "string" || !as.token_endpoint) {
    throw new OAuth2Error("discovery_error", "The provider's metadata has no token_endpoint");
  }
  const methods = as.token_endpoint_auth_methods_supported;
  const tokenAuthMethod: TokenAuthMethod =
    Array.isArray(methods) && !methods.includes("client_secret_basic") && methods.includes("client_secret_post")
      ? "client_secret_post"
      : "client_secret_basic";
  const endpoints: OAuth2Endpoints = {
    issuer: as.issuer,
    tokenUrl: as.token_endpoint,
    tokenAuthMethod,
    issParameterSupported: as.authorization_response_iss_parameter_supported === true,
  };
  if (typeof as.authorization_endpoint === "string") endpoints.authorizeUrl = as.authorization_endpoint;
  if (typeof as.revocation_endpoint === "string") endpoints.revocationUrl = as.revocation_endpoint;
  return endpoints;
}
