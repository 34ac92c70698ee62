import "server-only";
import { fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { guardedAgent, toOutboundError, type GuardedDispatcherOptions } from "./dispatcher";
import { checkOutboundUrl, type OutboundPolicy } from "./url-policy";

export type { Resolver } from "./dispatcher";

/** A `fetch` that only reaches what the outbound policy allows; see {@link createGuardedFetch}. */
export type GuardedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function isRequest(input: unknown): input is Request {
  // Request objects may come from Node's bundled undici, a different class from ours.
  return typeof input === "object" && input !== null && !(input instanceof URL) && typeof (input as Request).url === "string";
}

/** Turns a Request (from any fetch implementation) into plain init fields our undici accepts. */
function initFromRequest(request: Request): Record<string, unknown> {
  return {
    method: request.method,
    headers: [...request.headers],
    body: request.body ?? undefined,
    duplex: request.body ? "half" : undefined,
    signal: request.signal,
  };
}

/**
 * A drop-in `fetch` for code that takes one (oauth4webapi's `customFetch`,
 * discovery, token and revocation endpoints): the URL passes
 * `checkOutboundUrl`, every connection goes through the pinned lookup, and
 * `redirect` is always `"manual"` — 3xx responses are returned, never followed.
 * Failures reject with an `OutboundError`; the caller's own abort rejects as usual.
 */
export function createGuardedFetch(options: GuardedDispatcherOptions): GuardedFetch {
  const policy: OutboundPolicy = { allowPrivateNetwork: options.allowPrivateNetwork, isAllowedAddress: options.isAllowedAddress };
  const dispatcher = guardedAgent(options);
  return async (input, init) => {
    const raw =
      typeof input === "string" ? input : input instanceof URL ? input.href : isRequest(input) ? input.url : String(input);
    const url = checkOutboundUrl(raw, policy);
    const merged = {
      ...(isRequest(input) ? initFromRequest(input) : {}),
      ...init,
      redirect: "manual",
      dispatcher,
    } as unknown as UndiciRequestInit;
    try {
      return (await undiciFetch(url, merged)) as unknown as Response;
    } catch (error) {
      if (merged.signal?.aborted) throw error;
      throw toOutboundError(error, url);
    }
  };
}
