import type { ProviderTransport } from "@/lib/http/outbound";
import type { TokenAuthMethod } from "@/lib/validation/enums";

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
  /** The validated ID token's `sub`: the provider's id of the account that consented (OpenID Connect Core §2). */
  subject?: string;
};

export const DEFAULT_TIMEOUT_MS = 15_000;
