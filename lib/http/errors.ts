import "server-only";

/**
 * Base of every error raised by guarded outbound HTTP. `code` is the stable
 * machine-readable reason for `{ error: { code, message } }`; `status` is the
 * HTTP status the app should answer with. Messages name the host at most:
 * never a query string, a path, or a header value, since those carry secrets.
 */
export abstract class OutboundError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
}

/** The URL or the address it resolves to is not allowed (SSRF policy). */
export class OutboundBlockedError extends OutboundError {
  readonly code = "outbound_blocked";
  readonly status = 400;
  override name = "OutboundBlockedError";
}

/** DNS failure, refused or reset connection, TLS failure, malformed response. */
export class OutboundConnectError extends OutboundError {
  readonly code = "upstream_unreachable";
  readonly status = 502;
  override name = "OutboundConnectError";
}

/** The whole exchange (connect, redirects, headers and body) took too long. */
export class OutboundTimeoutError extends OutboundError {
  readonly code = "upstream_timeout";
  readonly status = 504;
  override name = "OutboundTimeoutError";
}

/** The response body is larger than the cap. */
export class OutboundTooLargeError extends OutboundError {
  readonly code = "response_too_large";
  readonly status = 502;
  override name = "OutboundTooLargeError";
}

/** The upstream redirected more times than allowed (a loop, usually). */
export class OutboundRedirectError extends OutboundError {
  readonly code = "too_many_redirects";
  readonly status = 502;
  override name = "OutboundRedirectError";
}
