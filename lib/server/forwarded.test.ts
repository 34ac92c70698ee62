/**
 * The client address server.ts hands on (docs/security.md "Sign-in throttling"): the socket's
 * peer unless proxies are trusted, so a forged X-Forwarded-For chooses nothing.
 */
import { describe, expect, it } from "vitest";
import { clientAddressOf, trustedProxyHops } from "./forwarded";

describe("the client address", () => {
  it("with no trusted proxy is the socket's peer, whatever X-Forwarded-For the client sent", () => {
    expect(clientAddressOf("203.0.113.5", "1.2.3.4", 0)).toBe("203.0.113.5");
    expect(clientAddressOf("203.0.113.5", ["1.2.3.4", "5.6.7.8"], 0)).toBe("203.0.113.5");
    expect(clientAddressOf("203.0.113.5", undefined, 0)).toBe("203.0.113.5");
    expect(clientAddressOf(undefined, undefined, 0)).toBeUndefined();
    // No peer address and no trusted proxy: the header is still only what the client wrote.
    expect(clientAddressOf(undefined, "1.2.3.4", 0)).toBeUndefined();
  });

  it("with n trusted proxies is the n-th entry from the right; entries the client wrote further left are ignored", () => {
    // client 198.51.100.7 → proxy A (appends it) → proxy B 10.0.0.2 (appends A's 10.0.0.1) → app.
    expect(clientAddressOf("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", 2)).toBe("198.51.100.7");
    expect(clientAddressOf("10.0.0.1", "6.6.6.6, 198.51.100.7", 1)).toBe("198.51.100.7");
    // Fewer entries than hops: the leftmost there is.
    expect(clientAddressOf("10.0.0.1", undefined, 1)).toBe("10.0.0.1");
  });

  it("reads CONNECTIONS_TRUSTED_PROXIES as a hop count, 0 when unset, and refuses anything else", () => {
    expect(trustedProxyHops(undefined)).toBe(0);
    expect(trustedProxyHops("")).toBe(0);
    expect(trustedProxyHops(" 2 ")).toBe(2);
    expect(() => trustedProxyHops("true")).toThrow(/CONNECTIONS_TRUSTED_PROXIES must be a whole number/);
    expect(() => trustedProxyHops("-1")).toThrow(/CONNECTIONS_TRUSTED_PROXIES/);
  });
});
