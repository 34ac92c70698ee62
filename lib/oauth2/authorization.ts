import "server-only";
import * as oauth from "oauth4webapi";
import { percentEncode } from "@/lib/http/form";
import { redactProviderText } from "@/lib/http/redact";
import type { ScopeDelimiter } from "@/lib/validation/enums";
import { OAuth2Error } from "./errors";
import { oauthClient } from "./internal";
import { joinScopes } from "./scopes";
import type { OAuth2Client, OAuth2Endpoints } from "./types";

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

/** Whether `iss` is an origin that serves both the authorize and the token endpoint. */
function servedByIssuer(as: oauth.AuthorizationServer, iss: string): boolean {
  const origin = (url: string | undefined) => {
    try {
      return url ? new URL(url).origin : undefined;
    } catch {
      return undefined;
    }
  };
  const issuerOrigin = origin(iss);
  return (
    issuerOrigin !== undefined &&
    issuerOrigin !== "null" &&
    origin(as.authorization_endpoint) === issuerOrigin &&
    origin(as.token_endpoint) === issuerOrigin
  );
}

/**
 * Checks the callback's query: `iss` (RFC 9207) when the issuer is known, then
 * `state`, then an error response, then the code. Our own checks come first to
 * give precise error codes; oauth4webapi's `validateAuthResponse` then checks the
 * same again and brands the parameters for the code exchange.
 */
export function validateCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  currentUrl: URL,
  expectedState: string,
  issuerKnown: boolean,
): URLSearchParams {
  if (!expectedState) throw new OAuth2Error("invalid_configuration", "No expected state was given");
  const params = new URLSearchParams(currentUrl.searchParams);
  if (!issuerKnown && params.has("iss")) {
    // RFC 9700 §4.4.2: an `iss` we cannot compare with a known issuer may come from a provider
    // other than the one this flow was started with (a mix-up). It is taken only from a service
    // that lives wholly on the issuer's origin — authorize and token endpoints both there — so a
    // service that borrows a real provider's authorize page and keeps its own token endpoint
    // (the mix-up) is still refused (docs/security.md, threat 5).
    if (!servedByIssuer(as, params.get("iss") ?? "")) {
      throw new OAuth2Error(
        "invalid_issuer",
        "The authorization response names an issuer this service's endpoints are not served by; set the service's Issuer URL",
      );
    }
    params.delete("iss"); // checked here; oauth4webapi would compare it with the unknown issuer
  }

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
      throw new OAuth2Error(code, description ? `${text}: ${description}` : text, undefined, true);
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
