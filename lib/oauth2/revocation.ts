import "server-only";
import * as oauth from "oauth4webapi";
import {
  authorizationServer,
  clientAuthentication,
  httpOptions,
  oauthClient,
  redacted,
  timeoutOf,
  toOAuth2Error,
} from "./internal";
import type { OAuth2Client, OAuth2Endpoints, TransportOptions } from "./types";

/* -------------------------------------------------------------- revocation */

export type RevokeTokenInput = {
  endpoints: OAuth2Endpoints;
  client: OAuth2Client;
  token: string;
  tokenTypeHint?: "access_token" | "refresh_token";
  transport: TransportOptions;
};

/**
 * RFC 7009 revocation. Returns false, without any request, when the service has
 * no revocation endpoint; true when the provider accepted the request (which,
 * per RFC 7009, it also does for tokens it no longer knows).
 */
export async function revokeToken(input: RevokeTokenInput): Promise<boolean> {
  const { endpoints, transport } = input;
  if (!endpoints.revocationUrl) return false;
  if (!input.token) return false;
  const as = authorizationServer(endpoints);
  const client = oauthClient(input.client);
  const timeoutMs = timeoutOf(transport);
  try {
    const response = await oauth.revocationRequest(as, client, clientAuthentication(endpoints, input.client), input.token, {
      ...httpOptions(transport),
      ...(input.tokenTypeHint ? { additionalParameters: { token_type_hint: input.tokenTypeHint } } : {}),
    });
    await oauth.processRevocationResponse(response);
    return true;
  } catch (err) {
    const secrets = [input.client.clientSecret, input.token];
    throw redacted(toOAuth2Error(err, "revocation", timeoutMs, secrets), secrets);
  }
}
