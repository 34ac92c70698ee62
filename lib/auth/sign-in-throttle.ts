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
export const WINDOW_SECONDS = 15 * 60;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

// Keys are hashed: the table never holds an email or address in clear.
const keyOf = (kind: "account" | "address", value: string) =>
  `${kind}:${createHash("sha256").update(value.trim().toLowerCase()).digest("base64url")}`;

export class SignInThrottle {
  private readonly limiter: RateLimiterAbstract;

  constructor(store: { kind: "postgres"; db: Db } | { kind: "memory" }, opts: { windowSeconds?: number } = {}) {
    const common = { points: MAX_FAILURES, duration: opts.windowSeconds ?? WINDOW_SECONDS, keyPrefix: "sign-in" };
    this.limiter =
      store.kind === "postgres"
        ? new RateLimiterDrizzle({ ...common, storeClient: store.db, schema: signInThrottle })
        : new RateLimiterMemory(common);
  }

  private keys(email: string, address: string | undefined): string[] {
    return [keyOf("account", email), ...(address ? [keyOf("address", address)] : [])];
  }

  /** Whether this account and address may try a password now. */
  async check(email: string, address: string | undefined): Promise<ThrottleVerdict> {
    let retryAfterMs = 0;
    for (const key of this.keys(email, address)) {
      const res = await this.limiter.get(key);
      if (res && res.consumedPoints >= MAX_FAILURES) retryAfterMs = Math.max(retryAfterMs, res.msBeforeNext);
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
  }

  /** Counts a failed attempt; the verdict says whether the next one is still allowed. */
  async failed(email: string, address: string | undefined): Promise<ThrottleVerdict> {
    let retryAfterMs = 0;
    for (const key of this.keys(email, address)) {
      const res = await this.limiter.penalty(key, 1);
      if (res.consumedPoints >= MAX_FAILURES) retryAfterMs = Math.max(retryAfterMs, res.msBeforeNext);
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
  }

  /** A correct password clears the account's count (not the address's: one good account does not launder a spray). */
  async succeeded(email: string): Promise<void> {
    await this.limiter.delete(keyOf("account", email));
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
