import { consentFailures, type ConsentFailure } from "@/lib/errors";

/** What the connection page says for each consent failure code of `?error=` (our words only, never the URL's). */
export const consentFailureText: Record<ConsentFailure, string> = {
  denied: "Access was denied at the service. Nothing was stored.",
  expired: "This authorization link is invalid, expired or was already used. Start again from the connection.",
  other_session: "This authorization was started in another session. Start it again from the connection, in this browser.",
  wrong_service: "The authorization response arrived for another service and was refused. Start again from the connection.",
  service_changed: "The service's settings changed while you were authorizing. Start again from the connection.",
  refused: "The service refused the authorization. Check the connection's scopes and try again.",
  not_configured: "This service is not configured yet: its OAuth app must be set up first.",
  failed: "Could not complete the authorization. Try again.",
};

/** The failure code of a `?error=` value, or undefined for anything else (which is then not shown). */
export function consentFailureOf(value: string | undefined): ConsentFailure | undefined {
  return (consentFailures as readonly string[]).includes(value ?? "") ? (value as ConsentFailure) : undefined;
}
