import "server-only";
import { AuthorizationFailed, DomainError, Invalid, type ConsentMode } from "@/lib/errors";
import { OutboundError } from "@/lib/http/errors";
import { OAuth1Error } from "@/lib/oauth1/errors";
import { OAuth2Error } from "@/lib/oauth2";
import type { ServiceDefinition } from "./definition";

/*
 * The one place protocol and transport failures become the app's errors
 * (docs/architecture.md "Errors"). Protocol errors (lib/oauth2, lib/oauth1) carry the
 * provider's code and an already-redacted message; transport errors (lib/http) are
 * DomainErrors already. What is said here names the service and never a secret.
 */

/** The provider's error code of a protocol failure, for audit records; "error" for anything else. */
export function providerErrorCode(error: unknown): string {
  return error instanceof OAuth2Error || error instanceof OAuth1Error ? error.code : "error";
}

/** lib/oauth2's own codes: their messages are our words (timeouts, sizes, iss and state checks). */
const OUR_OAUTH2_CODES = new Set([
  "invalid_state",
  "invalid_issuer",
  "invalid_response",
  "token_endpoint_error",
  "revocation_endpoint_error",
  "discovery_error",
  "insecure_endpoint",
  "invalid_configuration",
]);

const CHECK_AND_RETRY = "Check the connection's scopes and the service's settings, then try again.";

/** A provider's error code as we show it: a plain token, or "error". */
function safeCode(code: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(code) ? code : "error";
}

/**
 * A consent or client-credentials flow that failed, in words the user can act on. What a
 * provider wrote (its error_description, a body excerpt) is never among them: the service's
 * creator controls that text, and it would show on our pages (docs/security.md); the
 * provider's error code is kept, and recorded in the audit log.
 */
export function authorizationFailure(
  service: Pick<ServiceDefinition, "name">,
  error: unknown,
  connectionId?: string,
  mode?: ConsentMode,
): AuthorizationFailed {
  if (error instanceof AuthorizationFailed) {
    return error.connectionId || !connectionId
      ? error
      : new AuthorizationFailed(error.message, connectionId, mode ?? error.mode, error.reason);
  }
  if (error instanceof OAuth2Error) {
    const denied = error.code === "access_denied";
    const text = denied
      ? `Access was denied at ${service.name}. Nothing was stored.`
      : OUR_OAUTH2_CODES.has(error.code) && !error.providerWrote
        ? `${service.name} refused the authorization (${error.code}): ${error.message}`
        : `${service.name} refused the authorization (${safeCode(error.code)}). ${CHECK_AND_RETRY}`;
    return new AuthorizationFailed(text, connectionId, mode, denied ? "denied" : "refused");
  }
  if (error instanceof OAuth1Error) {
    const text =
      error.code === "network_error"
        ? `${service.name}: ${error.message}`
        : `${service.name} refused the authorization (${error.code}${error.status ? `, HTTP ${error.status}` : ""}). ${CHECK_AND_RETRY}`;
    return new AuthorizationFailed(text, connectionId, mode, "refused");
  }
  if (error instanceof DomainError) {
    return new AuthorizationFailed(
      error.message,
      connectionId,
      mode,
      error.code === "not_configured" ? "not_configured" : "failed",
    );
  }
  return new AuthorizationFailed(`Could not complete the authorization with ${service.name}. Try again.`, connectionId, mode);
}

/** "Discover endpoints" failed: the editor shows it under the Issuer URL field. */
export function discoveryFailure(error: unknown): Invalid | undefined {
  if (error instanceof OAuth2Error || error instanceof OutboundError) {
    const message = `Discovery failed: ${error.message}`;
    return new Invalid(message, { issuer: [message] });
  }
  return undefined;
}

/**
 * Why renewing an access token failed, when the provider did not refuse the grant itself
 * (5xx, timeout, malformed answer, refused client): nothing stored was changed.
 */
export function tokenRenewalFailure(error: OAuth2Error, subject: { label: string; clientCredentials: boolean }): string {
  // What the provider wrote stays out, as in authorizationFailure: the script console shows this text.
  const reason = error.providerWrote
    ? `the token endpoint answered ${safeCode(error.code)}${error.status ? ` (HTTP ${error.status})` : ""}`
    : error.message;
  return subject.clientCredentials
    ? `Could not get an access token for ${subject.label} from its token endpoint: ${reason}. Nothing stored was changed; if this persists, check the service's client settings.`
    : `Could not refresh the access token of ${subject.label}: ${reason}. The stored credential was kept; try again later.`;
}
