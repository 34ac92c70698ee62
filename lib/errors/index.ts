/**
 * Typed domain errors (DESIGN.md "Errors"). Messages are written for the user and
 * must never contain a secret; mappers turn them into HTTP answers or form errors.
 */
export type DomainErrorCode =
  | "not_found"
  | "forbidden"
  | "conflict"
  | "invalid"
  | "unauthenticated"
  | "upstream_error"
  | "needs_reauth"
  | "not_authorized_by_you"
  | "not_configured"
  | "host_not_allowed"
  | "not_connected"
  | "token_refresh_failed"
  | "outbound_blocked"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "response_too_large"
  | "too_many_redirects";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly status: number;
  /** Field-level messages for forms, keyed by field name. */
  readonly fieldErrors?: Record<string, string[]>;
  constructor(code: DomainErrorCode, status: number, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

export class NotFound extends DomainError {
  constructor(message = "Not found") {
    super("not_found", 404, message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "You are not allowed to do that") {
    super("forbidden", 403, message);
  }
}
export class Unauthenticated extends DomainError {
  constructor(message = "Sign in first") {
    super("unauthenticated", 401, message);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super("conflict", 409, message, fieldErrors);
  }
}
export class Invalid extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super("invalid", 400, message, fieldErrors);
  }
}
export class NotConfigured extends DomainError {
  constructor(message: string) {
    super("not_configured", 409, message);
  }
}
export class UpstreamError extends DomainError {
  constructor(message: string, status = 502) {
    super("upstream_error", status, message);
  }
}
export class NeedsReauth extends DomainError {
  constructor(message: string) {
    super("needs_reauth", 409, message);
  }
}

/** `{ error: { code, message } }` with a fitting status; unknown errors become a bare 500. */
export function errorBody(error: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (error instanceof DomainError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side" } } };
}
