/**
 * Why an OAuth 1.0a step failed.
 * - `invalid_request`: the caller asked for something this module cannot send (bad URL, body on GET, …).
 * - `network_error`: the provider could not be reached (or the injected fetch refused to connect).
 * - `http_error`: the provider answered with a non-2xx status.
 * - `malformed_response`: a 2xx answer without the parameters the protocol requires.
 * - `callback_not_confirmed`: the request-token answer lacks `oauth_callback_confirmed=true`
 *   (an OAuth 1.0 provider, not 1.0a, which is open to session fixation).
 */
export type OAuth1ErrorCode =
  "invalid_request" | "network_error" | "http_error" | "malformed_response" | "callback_not_confirmed";

export type OAuth1ErrorDetails = {
  /** The provider's HTTP status, for `http_error` and `malformed_response`. */
  status?: number;
  /** A short, sanitized excerpt of the provider's body (secrets redacted, at most 200 characters). */
  bodyExcerpt?: string;
  /** `oauth_problem` from the provider's answer (OAuth Problem Reporting), when it sent one. */
  oauthProblem?: string;
  /** The endpoint as origin + path: never its query, which may carry protocol parameters. */
  endpoint?: string;
  cause?: unknown;
};

/** The one error type of lib/oauth1. Its message never carries a secret. */
export class OAuth1Error extends Error {
  override name = "OAuth1Error";
  readonly status?: number;
  readonly bodyExcerpt?: string;
  readonly oauthProblem?: string;
  readonly endpoint?: string;

  constructor(
    readonly code: OAuth1ErrorCode,
    message: string,
    details: OAuth1ErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.bodyExcerpt = details.bodyExcerpt;
    this.oauthProblem = details.oauthProblem;
    this.endpoint = details.endpoint;
  }
}

/** `https://host:port/path` of a URL, without userinfo, query or fragment; "" if unparsable. */
export function describeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "";
  }
}
