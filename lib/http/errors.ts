import "server-only";
import { DomainError } from "@/lib/errors";

/**
 * Every error raised by guarded outbound HTTP: a DomainError whose code says why
 * (lib/errors/codes.ts gives its status). Messages name the host at most: never a query
 * string, a path, or a header value, since those carry secrets.
 */
export abstract class OutboundError extends DomainError {}

/** The URL or the address it resolves to is not allowed (SSRF policy). */
export class OutboundBlockedError extends OutboundError {
  constructor(message: string) {
    super("outbound_blocked", message);
  }
}

/** DNS failure, refused or reset connection, TLS failure, malformed response. */
export class OutboundConnectError extends OutboundError {
  constructor(message: string) {
    super("upstream_unreachable", message);
  }
}

/** The whole exchange (connect, headers and body) took too long. */
export class OutboundTimeoutError extends OutboundError {
  constructor(message: string) {
    super("upstream_timeout", message);
  }
}

/** The response body is larger than the cap. */
export class OutboundTooLargeError extends OutboundError {
  constructor(message: string) {
    super("response_too_large", message);
  }
}

/** The upstream redirected more times than allowed (a loop, usually). */
export class OutboundRedirectError extends OutboundError {
  constructor(message: string) {
    super("too_many_redirects", message);
  }
}
