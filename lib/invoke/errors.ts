import "server-only";
import { DomainError } from "@/lib/errors";
import { OutboundError } from "@/lib/http/errors";

/**
 * Codes of the invoke engine's own errors, besides lib/errors.ts's (`not_found`,
 * `needs_reauth`, `not_authorized_by_you`, ...) and the outbound layer's
 * (`outbound_blocked`, `upstream_unreachable`, `upstream_timeout`,
 * `response_too_large`, `too_many_redirects`).
 */
export type InvokeErrorCode =
  | "host_not_allowed"
  | "not_connected"
  | "token_refresh_failed"
  | "not_authorized_by_you"
  | "outbound_blocked"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "response_too_large"
  | "too_many_redirects";

/**
 * A DomainError with a code lib/errors.ts does not list (yet): `errorBody` turns it into
 * `{ error: { code, message } }` like any other. Messages never contain a secret.
 */
export class InvokeError extends DomainError {
  constructor(code: InvokeErrorCode, status: number, message: string) {
    // DomainErrorCode is a closed union in lib/errors.ts; the runtime code is ours.
    super(code, status, message);
  }
}

/** The URL's host is not one the service allows: the credential is only ever sent to those. */
export class HostNotAllowed extends InvokeError {
  constructor(message: string) {
    super("host_not_allowed", 400, message);
  }
}

/** A shared connection ("use credentials of login user") the caller has not authenticated yet. */
export class NotAuthorizedByYou extends InvokeError {
  constructor(message: string) {
    super("not_authorized_by_you", 403, message);
  }
}

/** The credential the call needs (the owner's) does not exist or was revoked. */
export class NotConnected extends InvokeError {
  constructor(message: string) {
    super("not_connected", 409, message);
  }
}

/** The token endpoint failed (5xx, timeout, malformed answer, refused client): nothing stored changed. */
export class TokenRefreshFailed extends InvokeError {
  constructor(message: string) {
    super("token_refresh_failed", 502, message);
  }
}

/** The guarded HTTP layer's errors keep their code, status and (host-only) message. */
export function fromOutboundError(error: OutboundError): InvokeError {
  return new InvokeError(error.code as InvokeErrorCode, error.status, error.message);
}

/** Where a user (re-)authenticates a connection: its page in Connections. */
export function connectionPageUrl(appUrl: string, connectionId: string): string {
  return `${appUrl}/connections/${connectionId}`;
}

type CredentialSubject = {
  linkName: string;
  connectionId: string;
  appUrl: string;
  /** The credential is the caller's own (shared connection, or the owner calling). */
  callersOwn: boolean;
};

/** The credential was refused by the provider (invalid_grant) or can no longer be renewed. */
export function needsReauthMessage(s: CredentialSubject, reason?: string): string {
  const page = connectionPageUrl(s.appUrl, s.connectionId);
  const who = s.callersOwn ? "open" : "its owner must open";
  return (
    `The connection "${s.linkName}" needs re-authentication: ${who} the connection in Connections (${page}) and click Connect/Authorize.` +
    (reason ? ` ${reason}` : "")
  );
}

/** The caller has no credential for a shared connection. */
export function notAuthorizedByYouMessage(s: Omit<CredentialSubject, "callersOwn">): string {
  return (
    `The connection "${s.linkName}" uses the credentials of each user, and you have not authorized it yet: ` +
    `open ${connectionPageUrl(s.appUrl, s.connectionId)} and click Connect/Authorize to authenticate with your own account.`
  );
}

/** The owner's credential is missing or was revoked. */
export function notConnectedMessage(s: CredentialSubject): string {
  const page = connectionPageUrl(s.appUrl, s.connectionId);
  return s.callersOwn
    ? `The connection "${s.linkName}" is not connected: open ${page} and click Connect/Authorize.`
    : `The connection "${s.linkName}" is not connected: its owner must open ${page} and click Connect/Authorize.`;
}
