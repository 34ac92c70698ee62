import "server-only";

/**
 * Error of an OAuth 2 operation.
 *
 * `code` is the provider's OAuth error code when it sent one (`access_denied`,
 * `invalid_grant`, `invalid_scope`, `invalid_client`, ...), or one of ours:
 * - `invalid_state`: the authorization response's `state` is missing or wrong;
 * - `invalid_issuer`: its `iss` is wrong, or missing while the provider promises it;
 * - `invalid_response`: an authorization response without a code, or otherwise malformed;
 * - `token_endpoint_error`: the token endpoint failed (5xx, unexpected status,
 *   malformed or non-JSON body, timeout, unreachable);
 * - `revocation_endpoint_error`, `discovery_error`: the same for those endpoints;
 * - `insecure_endpoint`: a plain-http endpoint while insecure requests are not allowed;
 * - `invalid_configuration`: the endpoints or client given to us are unusable.
 *
 * Messages never contain tokens, codes or client secrets. No `cause` is attached,
 * since oauth4webapi's error causes may hold response bodies.
 */
export class OAuth2Error extends Error {
  readonly code: string;
  /** HTTP status of the provider's response, when there was one. */
  readonly status?: number;
  /**
   * The code and message carry what the provider wrote (its error code, its error_description):
   * even a code that is also one of ours (`invalid_state`) came from the provider then, and the
   * text must not show on our pages (docs/security.md, threat 14).
   */
  readonly providerWrote: boolean;

  constructor(code: string, message: string, status?: number, providerWrote = false) {
    super(message);
    this.name = "OAuth2Error";
    this.code = code;
    if (status !== undefined) this.status = status;
    this.providerWrote = providerWrote;
  }
}
