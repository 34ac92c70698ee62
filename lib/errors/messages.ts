/**
 * Refusal wordings shown in more than one place (the sign-in page, the sign-in API and
 * Settings → Account), written once so the app says each the same way (docs/product.md
 * "Sign-in"). Plain functions of numbers: safe in the browser bundle.
 */

/**
 * "Too many attempts. Try again in N minute(s)." for a refusal that ends in `retryAfterMs`;
 * with `clock` (the end as the reader's local time), "… minute(s) (at 14:05)."
 */
export function tooManyAttemptsMessage(retryAfterMs: number, clock?: string): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}${clock ? ` (at ${clock})` : ""}.`;
}

/** The lockout lasts this long when the sign-in refusal does not say when it ends. */
const DEFAULT_LOCKOUT_MS = 15 * 60_000;

/**
 * When a sign-in lockout ends, from the epoch milliseconds the refusal carries back in the
 * URL (`TooManyAttempts:<ms>`): anything that is not a sensible time there (missing, not a
 * number, out of Date's range) means the default lockout from `now`.
 */
export function lockoutEnd(at: string | undefined, now = Date.now()): Date {
  const ms = Number(at);
  const given = new Date(ms);
  return ms > 0 && Number.isFinite(given.getTime()) ? given : new Date(now + DEFAULT_LOCKOUT_MS);
}

export const SERVER_BUSY_MESSAGE = "The server is busy. Try again in a moment.";
