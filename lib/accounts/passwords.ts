import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import type { SessionSubject } from "@/lib/auth/session-cookie";
import { announceUserChanged, bumpSessionEpoch } from "@/lib/auth/session-epoch";
import type { Actor } from "@/lib/auth/users";
import { hashPassword, hasPassword, verifyPassword } from "@/lib/crypto/password";
import { DomainError, Invalid, NotFound } from "@/lib/errors";
import { tooManyAttemptsMessage } from "@/lib/errors/messages";
import type { SignInThrottle } from "@/lib/auth/sign-in-throttle";
import { revokeAllAccessTokens } from "@/lib/auth/access-tokens";
import type { ChangePasswordInput, SetPasswordInput } from "@/lib/validation/accounts";
import { subjectOf } from "./first-run";
import { consumeAccountToken, issuerStillAdmin, peekAccountToken } from "./one-time-tokens";

/** What Settings → Account says to someone without a password (SSO, admin:create). */
export const NO_PASSWORD_MESSAGE =
  "You sign in with SSO or a one-time link, so you have no password to change. Ask an admin for a password-reset link to set one.";

/** Whether the user has a password of their own (Settings → Account shows the form only then). */
export async function userHasPassword(db: Db, actor: Actor): Promise<boolean> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, actor.id), eq(users.orgId, actor.orgId)));
  return Boolean(row && hasPassword(row.passwordHash));
}

const tooManyAttempts = (retryAfterMs: number) => new DomainError("too_many_attempts", tooManyAttemptsMessage(retryAfterMs));

/**
 * Settings → Account: a new password, given the current one. Every other session of the
 * user ends (the epoch moves on); the caller re-signs the current browser with the subject
 * returned, so it stays signed in.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: ChangePasswordInput,
  throttle: SignInThrottle,
): Promise<SessionSubject> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, actor.id), eq(users.orgId, actor.orgId)));
  if (!user) throw new NotFound("Your account no longer exists");
  if (!hasPassword(user.passwordHash)) throw new Invalid(NO_PASSWORD_MESSAGE);
  // The current password is guessed no faster here than at sign-in: the same count, by the account's email.
  const verdict = await throttle.attempt(user.email, undefined);
  if (!verdict.allowed) throw tooManyAttempts(verdict.retryAfterMs);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    if (verdict.last) throw tooManyAttempts(verdict.retryAfterMs);
    throw new Invalid("The current password is not correct", { currentPassword: ["The current password is not correct"] });
  }
  await throttle.succeeded(user.email, undefined);
  const passwordHash = await hashPassword(input.newPassword);
  const [updated] = await db
    .update(users)
    .set({ passwordHash, sessionEpoch: sql`${users.sessionEpoch} + 1` })
    .where(eq(users.id, user.id))
    .returning();
  announceUserChanged(actor.orgId, actor.id);
  return subjectOf(updated);
}

/**
 * "Sign out everywhere": every session of the user, this one included, ends on the next
 * request, and their personal access tokens are revoked (a stolen one stops too).
 */
export async function signOutEverywhere(db: Db, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    await bumpSessionEpoch(tx, actor.orgId, actor.id);
    await revokeAllAccessTokens(tx, actor.orgId, actor.id);
  });
  announceUserChanged(actor.orgId, actor.id);
}

/** What the reset page shows, or undefined for a used, expired or unknown link. */
export async function passwordResetFor(db: Db, token: string): Promise<{ email: string } | undefined> {
  const row = await peekAccountToken(db, "password_reset", token);
  if (!row?.userId || !(await issuerStillAdmin(db, row))) return undefined;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, row.userId));
  return user;
}

/** `/set-password`: the link's user gets the new password; their other sessions end; the link is used up. */
export async function setPasswordWithLink(db: Db, input: SetPasswordInput): Promise<SessionSubject> {
  const dead = () => new Invalid("This link has expired or was already used. Ask your admin for a new one.");
  // A cheap read first: a wrong or dead link costs no password hashing (docs/security.md "One-time links").
  if (!(await passwordResetFor(db, input.token))) throw dead();
  const passwordHash = await hashPassword(input.password);
  const subject = await db.transaction(async (tx) => {
    const used = await consumeAccountToken(tx, "password_reset", input.token);
    if (!used?.userId || !(await issuerStillAdmin(tx, used))) throw dead();
    const [user] = await tx
      .update(users)
      .set({ passwordHash, sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(and(eq(users.id, used.userId), used.orgId ? eq(users.orgId, used.orgId) : undefined))
      .returning();
    if (!user) throw dead();
    // Whoever knew the old password may have made tokens with it: they stop with it.
    await revokeAllAccessTokens(tx, user.orgId, user.id);
    return subjectOf(user);
  });
  announceUserChanged(subject.orgId, subject.id);
  return subject;
}
