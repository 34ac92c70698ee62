import type { ErrorCode } from "./codes";
import { SERVER_BUSY_MESSAGE } from "./messages";

/**
 * The one error family of the app (docs/architecture.md "Errors"): a code from the closed
 * set of ./codes.ts and a message written for the user that never contains a secret. The
 * HTTP edge turns it into a status and `{ error: { code, message } }`; the action helper
 * into form errors. Protocol and transport failures are translated into these by
 * lib/services/provider-errors.ts (protocol) or are already ones (lib/http's OutboundError).
 */
export class DomainError extends Error {
  /** Field-level messages for forms, keyed by field name. */
  readonly fieldErrors?: Record<string, string[]>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
    this.fieldErrors = fieldErrors;
  }
}

/** The code of an error, for records and metrics: its own when it is one of ours, else "internal". */
export function codeOf(error: unknown): ErrorCode {
  return error instanceof DomainError ? error.code : "internal";
}

export class Invalid extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super("invalid", message, fieldErrors);
  }
}
/** The server has too much password work queued; the request did nothing and may be retried in a moment. */
export class Busy extends DomainError {
  constructor(message = SERVER_BUSY_MESSAGE) {
    super("busy", message);
  }
}
export class Unauthenticated extends DomainError {
  constructor(message = "Sign in first") {
    super("unauthenticated", message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "You are not allowed to do that") {
    super("forbidden", message);
  }
}
export class NotFound extends DomainError {
  constructor(message = "Not found") {
    super("not_found", message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super("conflict", message, fieldErrors);
  }
}
export class NotConfigured extends DomainError {
  constructor(message: string) {
    super("not_configured", message);
  }
}
export class NeedsReauth extends DomainError {
  constructor(message: string) {
    super("needs_reauth", message);
  }
}
export class NotAuthorizedByYou extends DomainError {
  constructor(message: string) {
    super("not_authorized_by_you", message);
  }
}
export class NotConnected extends DomainError {
  constructor(message: string) {
    super("not_connected", message);
  }
}
export class HostNotAllowed extends DomainError {
  constructor(message: string) {
    super("host_not_allowed", message);
  }
}
export class TokenRefreshFailed extends DomainError {
  constructor(message: string) {
    super("token_refresh_failed", message);
  }
}

/** How a consent flow was opened, so a failure can be shown where the user is. */
export type ConsentMode = "popup" | "redirect";

/**
 * Why a consent flow failed, as a code: what travels in a URL (`?error=`) is one of these,
 * never text, and the page says it in our own words (lib/connections/consent-failures.ts).
 */
export const consentFailures = [
  "denied",
  "expired",
  "other_session",
  "wrong_service",
  "service_changed",
  "refused",
  "not_configured",
  "failed",
] as const;
export type ConsentFailure = (typeof consentFailures)[number];

/** A consent flow that could not be completed; carries where to send the user back. */
export class AuthorizationFailed extends DomainError {
  constructor(
    message: string,
    readonly connectionId?: string,
    readonly mode: ConsentMode = "popup",
    readonly reason: ConsentFailure = "failed",
  ) {
    super("authorization_failed", message);
  }
}
