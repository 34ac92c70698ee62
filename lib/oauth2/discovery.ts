import "server-only";
import * as oauth from "oauth4webapi";
import { OAuth2Error } from "./errors";
import type { TokenAuthMethod } from "@/lib/validation/enums";
import { httpOptions, timeoutOf, toOAuth2Error } from "./internal";
import type { OAuth2Endpoints, TransportOptions } from "./types";

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
