import "server-only";
import { env } from "@/lib/env";
import { OutboundTimeoutError, OutboundTooLargeError } from "@/lib/http/errors";
import { createGuardedFetch, type GuardedFetch } from "@/lib/http/guarded-fetch";

/** Token, discovery, revocation and request-token answers are small; past this they are not what we asked for (docs/product.md §9). */
export const PROVIDER_RESPONSE_MAX_BYTES = 1024 * 1024;
/** Every request to a provider's OAuth endpoints is done within this time, body included. */
export const PROVIDER_TIMEOUT_MS = 15_000;

let guarded: GuardedFetch | undefined;
let bounded: typeof fetch | undefined;

/** The one fetch for every request to a provider: SSRF-guarded by the deployment's policy. */
export function outboundFetch(): GuardedFetch {
  guarded ??= createGuardedFetch({ allowPrivateNetwork: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK });
  return guarded;
}

/**
 * A fetch that bounds what a provider can make us wait for and hold: the whole exchange,
 * reading the body included, within `timeoutMs`, and the body refused past `maxBytes`
 * (by Content-Length before reading, else as it arrives).
 */
export function boundedFetch(
  inner: GuardedFetch,
  limits: { maxBytes: number; timeoutMs: number } = { maxBytes: PROVIDER_RESPONSE_MAX_BYTES, timeoutMs: PROVIDER_TIMEOUT_MS },
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const deadline = AbortSignal.timeout(limits.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const host = (() => {
      try {
        return new URL(url).host;
      } catch {
        return "the provider";
      }
    })();
    const timedOut = () => new OutboundTimeoutError(`${host} did not answer within ${limits.timeoutMs} ms.`);
    const tooLarge = () => new OutboundTooLargeError(`The response from ${host} is larger than ${limits.maxBytes} bytes.`);
    let response: Response;
    try {
      response = await inner(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted && !init?.signal?.aborted) throw timedOut();
      throw error;
    }
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return response;
    let total = 0;
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > limits.maxBytes) controller.error(tooLarge());
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(capped, { status: response.status, statusText: response.statusText, headers: response.headers });
  }) as typeof fetch;
}

/** How protocol code (lib/oauth2, lib/oauth1) reaches a provider: the guarded fetch, and whether plain http is allowed. */
export type ProviderTransport = {
  fetch: typeof fetch;
  allowInsecureRequests: boolean;
  /** Bound on each request, body included. */
  timeoutMs?: number;
};

/** The guarded, bounded fetch for OAuth endpoints. */
function providerFetch(): typeof fetch {
  bounded ??= boundedFetch(outboundFetch());
  return bounded;
}

/** Token, discovery and revocation requests go through the same guard and bounds; http only for private networks. */
export function oauthTransport(): ProviderTransport {
  return {
    fetch: providerFetch(),
    allowInsecureRequests: env().CONNECTIONS_ALLOW_PRIVATE_NETWORK,
    timeoutMs: PROVIDER_TIMEOUT_MS,
  };
}

/** The fetch of OAuth 1.0a request-token and access-token requests: guarded and bounded like the others. */
export function oauth1Transport(): typeof fetch {
  return providerFetch();
}
