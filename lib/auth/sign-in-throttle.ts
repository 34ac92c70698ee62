import "server-only";
import { createHash } from "node:crypto";
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getDatabaseHandle, type Db } from "@/db";
import { signInThrottle } from "@/db/schema";
import { parseV6 } from "@/lib/http/address";

/**
 * Sign-in attempts, counted per account and per client address (docs/security.md "Sign-in
 * throttling") with rate-limiter-flexible: in Postgres (RateLimiterDrizzle on the app's own
 * connection pool, so every instance shares the counts), in memory on embedded PGlite (one
 * process). Every attempt takes a point from both counters BEFORE the password is checked
 * (one atomic `consume` each), so parallel guesses cannot all slip past a count read
 * earlier. A correct password gives the points back: the account's count is cleared, the
 * address gets its one point back. After MAX_FAILURES in the window, sign-in is refused
 * until the window ends, without checking the password at all, so a flood costs no scrypt work.
 */
export const MAX_FAILURES = 10;
/** An address may fail more often than one account: an office or a carrier NAT puts many people behind one. */
export const ADDRESS_MAX_FAILURES = 50;
export const WINDOW_SECONDS = 15 * 60;

/**
 * `failures`: the account's attempts in the window, this one included; `last`: this was the
 * final attempt the window allows (if it fails, the next one is refused).
 */
export type ThrottleVerdict =
  { allowed: true; failures: number; last: boolean; retryAfterMs: number } | { allowed: false; retryAfterMs: number };

/** From this many failures of an account on, each further failure is answered a second later ("slowed", docs/product.md §8). */
export const SLOW_AFTER_FAILURES = 5;
export const SLOW_DOWN_MS = 1_000;

// Keys are hashed: the table never holds an email or address in clear.
const keyOf = (kind: "account" | "address", value: string) =>
  `${kind}:${createHash("sha256").update(value.trim().toLowerCase()).digest("base64url")}`;

type Counter = { limiter: RateLimiterAbstract; key: string };

const isLimiterAnswer = (value: unknown): value is RateLimiterRes => value instanceof RateLimiterRes;

export class SignInThrottle {
  private readonly account: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;

  constructor(store: { kind: "postgres"; db: Db } | { kind: "memory" }, opts: { windowSeconds?: number } = {}) {
    const make = (points: number, keyPrefix: string) => {
      const common = { points, duration: opts.windowSeconds ?? WINDOW_SECONDS, keyPrefix };
      return store.kind === "postgres"
        ? new RateLimiterDrizzle({ ...common, storeClient: store.db, schema: signInThrottle })
        : new RateLimiterMemory(common);
    };
    this.account = make(MAX_FAILURES, "sign-in-account");
    this.address = make(ADDRESS_MAX_FAILURES, "sign-in-address");
  }

  /**
   * The address first: a refused address stops there, so that one address past its own limit
   * cannot go on spending every account's attempts (and lock out the organization by its
   * member list).
   */
  private counters(email: string, address: string | undefined): Counter[] {
    return [
      ...(address ? [{ limiter: this.address, key: keyOf("address", address) }] : []),
      { limiter: this.account, key: keyOf("account", email) },
    ];
  }

  /**
   * Takes this attempt's point from the address and then the account, before any password
   * work. Refused when either has none left (the account is not charged when the address is
   * refused); a store error refuses too (never fails open).
   */
  async attempt(email: string, address: string | undefined): Promise<ThrottleVerdict> {
    let retryAfterMs = 0;
    let refused = false;
    let failures = 0;
    let last = false;
    for (const counter of this.counters(email, address)) {
      try {
        const res = await counter.limiter.consume(counter.key, 1);
        if (counter.limiter === this.account) failures = res.consumedPoints;
        if (res.remainingPoints === 0) {
          last = true;
          retryAfterMs = Math.max(retryAfterMs, res.msBeforeNext);
        }
      } catch (error) {
        if (!isLimiterAnswer(error)) throw error;
        refused = true;
        retryAfterMs = Math.max(retryAfterMs, error.msBeforeNext);
        break;
      }
    }
    return refused ? { allowed: false, retryAfterMs } : { allowed: true, failures, last, retryAfterMs };
  }

  /**
   * A correct password: the account's count is cleared and the address gets this attempt's
   * point back (its earlier failures stay: one good account does not launder a spray).
   */
  async succeeded(email: string, address: string | undefined): Promise<void> {
    await this.account.delete(keyOf("account", email));
    if (address) await this.address.reward(keyOf("address", address), 1);
  }
}

/** The error message authorize() throws when throttled: `TooManyAttempts:<epoch ms when allowed again>`. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";
export const tooManyAttemptsError = (retryAfterMs: number) => `${TOO_MANY_ATTEMPTS}:${Date.now() + retryAfterMs}`;

/**
 * The client address of a request for the per-address count: the rightmost X-Forwarded-For
 * entry, which server.ts always writes itself (the socket's peer, or the entry of the
 * outermost trusted proxy, CONNECTIONS_TRUSTED_PROXIES). An IPv6 client counts by its /64,
 * the block one subscriber gets, so rotating through its own addresses does not help;
 * an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function clientAddress(forwardedFor: string | string[] | null | undefined): string | undefined {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  const last = header?.split(",").at(-1)?.trim();
  return last ? addressKey(last) : undefined;
}

function addressKey(address: string): string {
  const groups = parseV6(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

const holder = globalThis as typeof globalThis & { __connectionsSignInThrottle?: Promise<SignInThrottle> };

/** The process's throttle, on the app's database (shared by every instance on Postgres). */
export function appSignInThrottle(): Promise<SignInThrottle> {
  holder.__connectionsSignInThrottle ??= getDatabaseHandle().then((handle) =>
    handle.kind === "postgres" ? new SignInThrottle({ kind: "postgres", db: handle.db }) : new SignInThrottle({ kind: "memory" }),
  );
  return holder.__connectionsSignInThrottle;
}
