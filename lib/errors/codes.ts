/**
 * The closed set of codes the app's own errors carry, and the HTTP status of each: the one
 * table the HTTP edge (lib/api/error-response.ts) answers by. Adding a code means giving it
 * a status here; nothing else picks a status (docs/architecture.md "Errors").
 */
export const ERROR_STATUS = {
  /** The request or a field of it breaks a rule; the message says which. */
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  /** A session-authenticated invoke whose body is not declared `application/json`. */
  unsupported_media_type: 415,
  /** The request body is larger than the app accepts. */
  request_too_large: 413,
  not_found: 404,
  conflict: 409,
  /** The service's OAuth client is not set up in this organization. */
  not_configured: 409,
  /** A consent flow could not be completed (state, issuer, provider refusal, …). */
  authorization_failed: 400,
  /** The provider refused the refresh token (invalid_grant), or it expired with nothing to renew it. */
  needs_reauth: 409,
  /** A shared connection the caller has not authenticated yet. */
  not_authorized_by_you: 403,
  /** The credential the call needs does not exist or was revoked. */
  not_connected: 409,
  /** The URL's host is not one the service sends its credential to. */
  host_not_allowed: 400,
  /** The token endpoint failed (5xx, timeout, malformed answer): nothing stored changed. */
  token_refresh_failed: 502,
  /** The outbound policy refused the URL or the address it resolves to. */
  outbound_blocked: 400,
  /** DNS, TCP or TLS failure, or a malformed answer. */
  upstream_unreachable: 502,
  upstream_timeout: 504,
  /** The upstream answer is larger than the cap. */
  response_too_large: 502,
  too_many_redirects: 502,
  /** Too many failed sign-ins for the account or address; the answer says when to try again. */
  too_many_attempts: 429,
  /** Too many password hashes waiting already (docs/security.md "Sign-in throttling"): try again in a moment. */
  busy: 429,
  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
