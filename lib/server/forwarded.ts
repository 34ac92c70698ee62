/**
 * The client address server.ts writes into `X-Forwarded-For` before Next or the data plane
 * see a request (docs/security.md "Sign-in throttling"). Next only fills that header when it
 * is absent, so without this a client would choose the address its sign-ins are counted by.
 * Imports nothing: server.ts loads it outside Next's bundle.
 */

/**
 * CONNECTIONS_TRUSTED_PROXIES: how many reverse-proxy hops in front of the app to trust
 * (default 0). Read here, not in lib/env.ts: server.ts needs it outside Next's bundle.
 */
export function trustedProxyHops(raw: string | undefined): number {
  const text = raw?.trim() ?? "";
  if (text === "") return 0;
  if (!/^\d{1,2}$/.test(text)) {
    throw new Error("CONNECTIONS_TRUSTED_PROXIES must be a whole number of proxy hops (0 to 99)");
  }
  return Number(text);
}

/**
 * The address of the client: with no trusted proxy, the socket's peer; with `hops` trusted
 * proxies, the entry the outermost of them appended, the `hops`-th from the right of
 * `X-Forwarded-For` (entries further left were written by the client and are ignored).
 */
export function clientAddressOf(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string | undefined {
  if (hops === 0) return remoteAddress; // the default: the header is the client's own, nothing to read
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const chain = [
    ...header
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
    ...(remoteAddress ? [remoteAddress] : []),
  ];
  if (!chain.length) return undefined;
  return chain[Math.max(chain.length - 1 - hops, 0)];
}
