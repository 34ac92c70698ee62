import "server-only";
import type { Db } from "@/db";
import { DUMMY_HASH, hasPassword, verifyPassword } from "@/lib/crypto/password";
import type { SessionSubject } from "./session-cookie";
import { SLOW_AFTER_FAILURES, SLOW_DOWN_MS, tooManyAttemptsError, type SignInThrottle } from "./sign-in-throttle";
import { findUserByEmail } from "./users";
import { Busy } from "@/lib/errors";

/** The error authorize() throws when password hashing is saturated: the sign-in page says "busy, try again". */
export const SERVER_BUSY = "ServerBusy";

export type PasswordAttempt = { email: string; password: string; address: string | undefined };

/**
 * Email and password sign-in (docs/security.md "Sign-in throttling"): the attempt is counted
 * first, atomically, and refused without any password work once the account or the address
 * has used up its window; only then is the password checked. Returns the user, or null for
 * a wrong email or password; throws `TooManyAttempts:<epoch ms>` when throttled.
 */
export async function signInWithPassword(
  db: Db,
  throttle: SignInThrottle,
  attempt: PasswordAttempt,
  verify: (password: string, hash: string) => Promise<boolean> = verifyPassword,
): Promise<SessionSubject | null> {
  const verdict = await throttle.attempt(attempt.email, attempt.address);
  if (!verdict.allowed) throw new Error(tooManyAttemptsError(verdict.retryAfterMs));
  const user = await findUserByEmail(db, attempt.email);
  // Verify against a dummy hash for unknown emails so the answer takes as long either way.
  // An account without a password is checked against the dummy too: the timing does not tell it apart.
  const usable = user && hasPassword(user.passwordHash) ? user : undefined;
  const ok = await verify(attempt.password, usable?.passwordHash ?? DUMMY_HASH).catch((error: unknown) => {
    if (error instanceof Busy) throw new Error(SERVER_BUSY);
    throw error;
  });
  if (!usable || !ok) {
    if (verdict.last) throw new Error(tooManyAttemptsError(verdict.retryAfterMs));
    if (verdict.failures >= SLOW_AFTER_FAILURES) await new Promise((r) => setTimeout(r, SLOW_DOWN_MS));
    return null;
  }
  await throttle.succeeded(attempt.email, attempt.address);
  return {
    id: usable.id,
    email: usable.email,
    name: usable.name,
    orgId: usable.orgId,
    role: usable.role,
    sessionEpoch: usable.sessionEpoch,
  };
}
