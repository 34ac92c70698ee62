import "server-only";
import { env } from "@/lib/env";
import { createGuardedFetch, type GuardedFetch } from "@/lib/http/guarded-fetch";
import type { TransportOptions } from "@/lib/oauth2";

let guarded: GuardedFetch | undefined;

/** The one fetch for every request to a provider: SSRF-guarded by the deployment's policy. */
export function outboundFetch(): GuardedFetch {
  guarded ??= createGuardedFetch({ allowPrivateNetwork: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK });
  return guarded;
}

/** Token, discovery and revocation requests go through the same guard; http only for private networks. */
export function oauthTransport(): TransportOptions {
  return {
    fetch: outboundFetch() as typeof fetch,
    allowInsecureRequests: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK,
  };
}
