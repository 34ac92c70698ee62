import "server-only";
import { createHash } from "node:crypto";
import { RateLimiterDrizzle, RateLimiterMemory, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getDatabaseHandle, type Db } from "@/db";
import { signInThrottle } from "@/db/schema";

/**
 * Failed sign-ins, counted per account and per client address (docs/security.md "Sign-in
 * throttling") with rate-limiter-flexible: in Postgres (RateLimiterDrizzle on the app's own
 * connection pool, so every instance shares the counts), in memory on embedded PGlite (one
 * process). After MAX_FAILURES in the window, sign-in is refused until the window ends,
 * without checking the password at all, so a flood costs no scrypt work.
 */
export const MAX_FAILURES = 10;
/** An address may fail more often than one account: an office or a carrier NAT puts many people behind one. */
export const ADDRESS_MAX_FAILURES = 50;
export const WINDOW_SECONDS = 15 * 60;

/** `failures`: the account's failures in the window so far (the highest count, on `failed`). */
export type ThrottleVerdict = { allowed: true; failures?: number } | { allowed: false; retryAfterMs: number };

/** From this many failures of an account on, each further failure is answered a second later ("slowed", docs/product.md §8). */
export const SLOW_AFTER_FAILURES = 5;
export const SLOW_DOWN_MS = 1_000;

// Keys are hashed: the table never holds an email or address in clear.
const keyOf = (kind: "account" | "address", value: string) =>
  `${kind}:${createHash("sha256").update(value.trim().toLowerCase()).digest("base64url")}`;

type Counter = { limiter: RateLimiterAbstract; max: number; key: string };

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

  private counters(email: string, address: string | undefined): Counter[] {
    return [
      { limiter: this.account, max: MAX_FAILURES, key: keyOf("account", email) },
      ...(address ? [{ limiter: this.address, max: ADDRESS_MAX_FAILURES, key: keyOf("address", address) }] : []),
    ];
  }

  private async verdict(
    counters: Counter[],
    read: (c: Counter) => Promise<{ consumedPoints: number; msBeforeNext: number } | null>,
  ) {
    let retryAfterMs = 0;
    let failures = 0;
    for (const counter of counters) {
      const res = await read(counter);
      if (counter.limiter === this.account) failures = res?.consumedPoints ?? 0;
      if (res && res.consumedPoints >= counter.max) retryAfterMs = Math.max(retryAfterMs, res.msBeforeNext);
    }
    return retryAfterMs > 0 ? ({ allowed: false, retryAfterMs } as const) : ({ allowed: true, failures } as const);
  }

  /** Whether this account and address may try a password now. */
  check(email: string, address: string | undefined): Promise<ThrottleVerdict> {
    return this.verdict(this.counters(email, address), (c) => c.limiter.get(c.key));
  }

  /** Counts a failed attempt; the verdict says whether the next one is still allowed. */
  failed(email: string, address: string | undefined): Promise<ThrottleVerdict> {
    return this.verdict(this.counters(email, address), (c) => c.limiter.penalty(c.key, 1));
  }

  /** A correct password clears the account's count (not the address's: one good account does not launder a spray). */
  async succeeded(email: string): Promise<void> {
    await this.account.delete(keyOf("account", email));
  }
}

/** The error message authorize() throws when throttled: `TooManyAttempts:<epoch ms when allowed again>`. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";
export const tooManyAttemptsError = (retryAfterMs: number) => `${TOO_MANY_ATTEMPTS}:${Date.now() + retryAfterMs}`;

/**
 * The client address of a request for the per-address count: the rightmost X-Forwarded-For
 * entry, the one the nearest proxy (or Next's own server, from the socket) wrote.
 */
export function clientAddress(forwardedFor: string | string[] | null | undefined): string | undefined {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  const last = header?.split(",").at(-1)?.trim();
  return last || undefined;
}

const holder = globalThis as typeof globalThis & { __connectionsSignInThrottle?: Promise<SignInThrottle> };

/** The process's throttle, on the app's database (shared by every instance on Postgres). */
export function appSignInThrottle(): Promise<SignInThrottle> {
  holder.__connectionsSignInThrottle ??= getDatabaseHandle().then((handle) =>
    handle.kind === "postgres" ? new SignInThrottle({ kind: "postgres", db: handle.db }) : new SignInThrottle({ kind: "memory" }),
  );
  return holder.__connectionsSignInThrottle;
}
