import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { accountTokens, users } from "@/db/schema";

/**
 * One-time links (docs/security.md "One-time links"): 256 random bits in the URL, only their
 * SHA-256 in the database, an expiry, and one statement that consumes them, so the same
 * link cannot be used twice even by two requests at once.
 */
export type AccountTokenPurpose = (typeof accountTokens.$inferSelect)["purpose"];
export type AccountTokenRow = typeof accountTokens.$inferSelect;
type Executor = Pick<Db, "insert" | "update" | "select">;

const HOUR = 60 * 60 * 1000;
/** How long each kind of link lives. */
export const TOKEN_LIFETIME_MS: Record<AccountTokenPurpose, number> = {
  setup: 24 * HOUR,
  invitation: 7 * 24 * HOUR,
  password_reset: 24 * HOUR,
  sign_in: 1 * HOUR,
};

export const hashAccountToken = (token: string) => createHash("sha256").update(token).digest("base64url");

/** Creates a link's token; the raw value is returned once and never stored. */
export async function issueAccountToken(
  db: Executor,
  input: Omit<typeof accountTokens.$inferInsert, "id" | "tokenHash" | "expiresAt" | "usedAt" | "createdAt">,
  now = new Date(),
): Promise<{ token: string; row: AccountTokenRow }> {
  const token = randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(accountTokens)
    .values({
      ...input,
      tokenHash: hashAccountToken(token),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[input.purpose]),
    })
    .returning();
  return { token, row };
}

const live = (purpose: AccountTokenPurpose, token: string, now: Date) =>
  and(
    eq(accountTokens.tokenHash, hashAccountToken(token)),
    eq(accountTokens.purpose, purpose),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, now),
  );

/** The unused, unexpired token of this purpose, without using it (to show its page). */
export async function peekAccountToken(
  db: Executor,
  purpose: AccountTokenPurpose,
  token: string,
  now = new Date(),
): Promise<AccountTokenRow | undefined> {
  if (!token) return undefined;
  const [row] = await db
    .select()
    .from(accountTokens)
    .where(live(purpose, token, now))
    .limit(1);
  return row;
}

/** Uses the token: the one caller that gets the row back is the only one that may act on it. */
export async function consumeAccountToken(
  db: Executor,
  purpose: AccountTokenPurpose,
  token: string,
  now = new Date(),
): Promise<AccountTokenRow | undefined> {
  if (!token) return undefined;
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(live(purpose, token, now))
    .returning();
  return row;
}

/**
 * Whether the admin who made an invitation or a reset link may still vouch for it: they
 * still exist and are still an admin of the link's organization (docs/security.md "One-time
 * links"). Removal and demotion delete their unused links; this also refuses any that a
 * race left behind (a link whose issuer was deleted has no issuer any more).
 */
export async function issuerStillAdmin(db: Pick<Db, "select">, row: AccountTokenRow): Promise<boolean> {
  if (!row.createdBy || !row.orgId) return false;
  const [issuer] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, row.createdBy), eq(users.orgId, row.orgId), eq(users.role, "admin")))
    .limit(1);
  return Boolean(issuer);
}

/** Deletes the unused links a user made (invitations, resets): on their removal and on their demotion from admin. */
export async function deleteUnusedLinksIssuedBy(db: Pick<Db, "delete">, userId: string): Promise<void> {
  await db.delete(accountTokens).where(and(eq(accountTokens.createdBy, userId), isNull(accountTokens.usedAt)));
}

/** The link of a token under APP_URL. */
export function accountLink(appUrl: string, path: "/setup" | "/invite" | "/set-password" | "/sign-in/link", token: string) {
  return `${appUrl}${path}?token=${encodeURIComponent(token)}`;
}
