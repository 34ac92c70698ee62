import "server-only";
import { env } from "@/lib/env";
import { createGuardedFetch, type GuardedFetch } from "@/lib/http/guarded-fetch";

let guarded: GuardedFetch | undefined;

/** The one fetch for every request to a provider: SSRF-guarded by the deployment's policy. */
export function outboundFetch(): GuardedFetch {
  guarded ??= createGuardedFetch({ allowPrivateNetwork: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK });
  return guarded;
}

/** How protocol code (lib/oauth2, lib/oauth1) reaches a provider: the guarded fetch, and whether plain http is allowed. */
export type ProviderTransport = {
  fetch: typeof fetch;
  allowInsecureRequests: boolean;
  /** Bound on each request, body included. */
  timeoutMs?: number;
};

/** Token, discovery and revocation requests go through the same guard; http only for private networks. */
export function oauthTransport(): ProviderTransport {
  return {
    fetch: outboundFetch() as typeof fetch,
    allowInsecureRequests: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK,
  };
}
