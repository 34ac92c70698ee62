import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organizations, users } from "@/db/schema";
import { DEMO_PASSWORD, demoOrganizations } from "@/db/seed";
import type { SessionSubject } from "@/lib/auth/session-cookie";
import { findUserByEmail } from "@/lib/auth/users";
import { hashPassword, NO_PASSWORD, verifyPassword } from "@/lib/crypto/password";
import { Conflict, Invalid } from "@/lib/errors";
import type { SetupInput } from "@/lib/validation/accounts";
import { accountLink, consumeAccountToken, issueAccountToken, peekAccountToken } from "./one-time-tokens";

/** An arbitrary constant: the advisory lock under which the first organization is created. */
const SETUP_LOCK_KEY = 72_114_003;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function countUsers(db: Pick<Db, "select">): Promise<number> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return count;
}

/**
 * The demo accounts that still sign in with the public demo password: a production start
 * refuses to run while there is one (docs/product.md §8), unless CONNECTIONS_SEED=true.
 */
export async function demoAccountsWithDemoPassword(db: Db): Promise<string[]> {
  const found: string[] = [];
  for (const org of demoOrganizations) {
    for (const demo of org.users) {
      const user = await findUserByEmail(db, demo.email);
      if (user && (await verifyPassword(DEMO_PASSWORD, user.passwordHash))) found.push(demo.email);
    }
  }
  return found;
}

/** On a database without users: a new one-time setup link (docs/product.md §8), else undefined. */
export async function issueSetupLink(db: Db, appUrl: string): Promise<string | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  const { token } = await issueAccountToken(db, { purpose: "setup" });
  return accountLink(appUrl, "/setup", token);
}

/** Whether a setup link can still be used: unused, unexpired, and no user exists yet. */
export async function setupLinkIsLive(db: Db, token: string): Promise<boolean> {
  return Boolean(await peekAccountToken(db, "setup", token)) && (await countUsers(db)) === 0;
}

/** Another account has this email (first run, an invitation's acceptance): one wording for both. */
export const emailTaken = () =>
  new Conflict("A user with this email already exists", { email: ["A user with this email already exists"] });

/** Inserts an organization and its first admin in the transaction; the password is already hashed. */
async function insertOrganization(
  tx: Tx,
  input: { orgName: string; name: string; email: string; passwordHash: string },
): Promise<SessionSubject> {
  if (await findUserByEmail(tx, input.email)) throw emailTaken();
  const [org] = await tx.insert(organizations).values({ name: input.orgName }).returning();
  const [admin] = await tx
    .insert(users)
    .values({ orgId: org.id, email: input.email, name: input.name, role: "admin", passwordHash: input.passwordHash })
    .onConflictDoNothing()
    .returning();
  if (!admin) throw emailTaken();
  return subjectOf(admin);
}

/**
 * `/setup`: the first organization and its admin, once. The link is used up in the same
 * transaction, which also re-checks (under a lock) that no user exists: two setup links
 * (two instances started together) cannot make two first organizations.
 */
export async function completeSetup(db: Db, input: SetupInput): Promise<SessionSubject> {
  // A cheap read first: a wrong or dead link costs no password hashing (docs/security.md "One-time links").
  const setUp = () => new Invalid("This Connections is already set up. Sign in instead.");
  const dead = () => new Invalid("This setup link has expired or was already used. Restart the server for a new one.");
  if ((await countUsers(db)) > 0) throw setUp();
  if (!(await peekAccountToken(db, "setup", input.token))) throw dead();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if ((await countUsers(tx)) > 0) throw setUp();
    const used = await consumeAccountToken(tx, "setup", input.token);
    if (!used) throw dead();
    return insertOrganization(tx, { ...input, passwordHash });
  });
}

/**
 * `npm run admin:create`: an organization and its admin from a shell, at any time, with no
 * password yet, and two one-time links for them: one that sets their password (the reset
 * flow, 24 hours) and one that just signs them in (1 hour).
 */
export async function createOrganizationFromShell(
  db: Db,
  input: { orgName: string; name: string; email: string },
  appUrl: string,
): Promise<{ link: string; setPasswordLink: string; admin: SessionSubject }> {
  return db.transaction(async (tx) => {
    const admin = await insertOrganization(tx, { ...input, passwordHash: NO_PASSWORD });
    const { token } = await issueAccountToken(tx, {
      purpose: "sign_in",
      orgId: admin.orgId,
      userId: admin.id,
      createdBy: null,
    });
    // Issued by the admin themselves: a reset link is good while its issuer is an admin of the organization.
    const reset = await issueAccountToken(tx, {
      purpose: "password_reset",
      orgId: admin.orgId,
      userId: admin.id,
      createdBy: admin.id,
    });
    return {
      link: accountLink(appUrl, "/sign-in/link", token),
      setPasswordLink: accountLink(appUrl, "/set-password", reset.token),
      admin,
    };
  });
}

/** Uses a sign-in link: the user it names, as a session subject, or undefined when the link is dead. */
export async function consumeSignInLink(db: Db, token: string): Promise<SessionSubject | undefined> {
  return db.transaction(async (tx) => {
    const used = await consumeAccountToken(tx, "sign_in", token);
    if (!used?.userId) return undefined;
    const [user] = await tx.select().from(users).where(eq(users.id, used.userId)).limit(1);
    if (!user || user.orgId !== used.orgId) return undefined;
    return subjectOf(user);
  });
}

export const subjectOf = (user: typeof users.$inferSelect): SessionSubject => ({
  id: user.id,
  email: user.email,
  name: user.name,
  orgId: user.orgId,
  role: user.role,
  sessionEpoch: user.sessionEpoch,
});
