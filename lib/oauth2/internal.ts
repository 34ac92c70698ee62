import "server-only";
import * as oauth from "oauth4webapi";
import { OutboundTooLargeError } from "@/lib/http/errors";
import { redactProviderText } from "@/lib/http/redact";
import type { ScopeDelimiter } from "@/lib/validation/enums";
import { OAuth2Error } from "./errors";
import { splitScopes } from "./scopes";
import { DEFAULT_TIMEOUT_MS, type OAuth2Client, type OAuth2Endpoints, type TokenSet, type TransportOptions } from "./types";

/** What every request of lib/oauth2 shares: the oauth4webapi objects, the transport, and error translation. */

/**
 * oauth4webapi needs an issuer in its AuthorizationServer object. For services
 * without one we use this value; it can never equal a real `iss` (we remove `iss`
 * from the callback before validation anyway) and is never sent anywhere.
 */
export const NO_ISSUER = "urn:connections:oauth2:issuer-unknown";

export function knownIssuer(endpoints: OAuth2Endpoints): string | undefined {
  const issuer = endpoints.issuer?.trim();
  return issuer ? issuer : undefined;
}

export function authorizationServer(endpoints: OAuth2Endpoints, tokenUrl = endpoints.tokenUrl): oauth.AuthorizationServer {
  const issuer = knownIssuer(endpoints);
  return {
    issuer: issuer ?? NO_ISSUER,
    authorization_endpoint: endpoints.authorizeUrl,
    token_endpoint: tokenUrl,
    revocation_endpoint: endpoints.revocationUrl,
    authorization_response_iss_parameter_supported: issuer !== undefined && endpoints.issParameterSupported === true,
  };
}

export function oauthClient(client: OAuth2Client): oauth.Client {
  if (!client.clientId) throw new OAuth2Error("invalid_configuration", "The OAuth 2 client id is missing");
  return { client_id: client.clientId };
}

export function clientAuthentication(endpoints: OAuth2Endpoints, client: OAuth2Client): oauth.ClientAuth {
  // A client without a secret is a public client: it sends only its client_id.
  if (!client.clientSecret) return oauth.None();
  return endpoints.tokenAuthMethod === "client_secret_post"
    ? oauth.ClientSecretPost(client.clientSecret)
    : oauth.ClientSecretBasic(client.clientSecret);
}

export function timeoutOf(transport: TransportOptions): number {
  const t = transport.timeoutMs;
  return typeof t === "number" && Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

export function httpOptions(transport: TransportOptions) {
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

export const ENDPOINT_LABEL: Record<EndpointKind, string> = {
  token: "token endpoint",
  revocation: "revocation endpoint",
  discovery: "metadata (discovery) endpoint",
};

export const FAILURE_CODE: Record<EndpointKind, string> = {
  token: "token_endpoint_error",
  revocation: "revocation_endpoint_error",
  discovery: "discovery_error",
};

export function refusalMessage(code: string, label: string, description?: string): string {
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

/** The size bound of the provider fetch (lib/http/outbound.ts), wherever oauth4webapi wrapped it. */
function tooLargeIn(err: unknown): OutboundTooLargeError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof OutboundTooLargeError) return e;
  }
  return undefined;
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
export function toOAuth2Error(
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
        true,
      );
    }
    return new OAuth2Error(err.error, refusalMessage(err.error, label, description), err.status, true);
  }

  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const params = err.cause.find((c) => typeof c.parameters.error === "string")?.parameters;
    const code = params?.error ?? (err.status === 401 ? "invalid_client" : failure);
    if (err.status >= 500) {
      return new OAuth2Error(failure, `The provider's ${label} failed with HTTP ${err.status}`, err.status);
    }
    return new OAuth2Error(
      code,
      refusalMessage(code, label, redactProviderText(params?.error_description, secrets, 200)),
      err.status,
      true,
    );
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

  const tooLarge = tooLargeIn(err);
  if (tooLarge) return new OAuth2Error(failure, `The provider's ${label} sent too large an answer: ${tooLarge.message}`);

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
export function redacted(err: OAuth2Error, secrets: ReadonlyArray<string | undefined>): OAuth2Error {
  let message = err.message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && message.includes(secret)) message = message.split(secret).join("[redacted]");
  }
  return message === err.message ? err : new OAuth2Error(err.code, message, err.status);
}

export function isObject(value: unknown): value is Record<string, unknown> {
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
export async function normalizeTokenResponse(
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
    throw new OAuth2Error(
      code,
      refusalMessage(code, ENDPOINT_LABEL.token, redactProviderText(body.error_description, secrets, 200)),
      200,
      true,
    );
  }
  if (body.token_type === undefined && typeof body.access_token === "string") body.token_type = "bearer";
  if (!keepIdToken) delete body.id_token;
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

export function toTokenSet(
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
