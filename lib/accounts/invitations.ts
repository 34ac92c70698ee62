import "server-only";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { accountTokens, organizations, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { SessionSubject } from "@/lib/auth/session-cookie";
import { assertAdmin } from "@/lib/auth/session";
import { findUserByEmail, type Actor } from "@/lib/auth/users";
import { hashPassword } from "@/lib/crypto/password";
import { Invalid, NotFound } from "@/lib/errors";
import type { AcceptInvitationInput, InviteMemberInput } from "@/lib/validation/accounts";
import { emailTaken, subjectOf } from "./first-run";
import { accountLink, consumeAccountToken, issueAccountToken, issuerStillAdmin, peekAccountToken } from "./one-time-tokens";

/** A pending invitation as Settings → Members lists it; the link itself is shown only once, at creation. */
export type InvitationDto = { id: string; email: string; role: "admin" | "member"; expiresAt: string; createdAt: string };

const toDto = (row: typeof accountTokens.$inferSelect): InvitationDto => ({
  id: row.id,
  email: row.email ?? "",
  role: row.role ?? "member",
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

const pendingIn = (orgId: string, now: Date) =>
  and(
    eq(accountTokens.orgId, orgId),
    eq(accountTokens.purpose, "invitation"),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, now),
  );

/**
 * An admin invites someone by email (docs/product.md §8): a single-use link valid for 7 days.
 * Inviting the same email again replaces the earlier link.
 */
export async function inviteMember(
  db: Db,
  actor: Actor,
  input: InviteMemberInput,
  appUrl: string,
): Promise<{ link: string; invitation: InvitationDto }> {
  assertAdmin(actor);
  if (await findUserByEmail(db, input.email)) throw emailTaken();
  return db.transaction(async (tx) => {
    await tx.delete(accountTokens).where(and(pendingIn(actor.orgId, new Date(0)), eq(accountTokens.email, input.email)));
    const { token, row } = await issueAccountToken(tx, {
      purpose: "invitation",
      orgId: actor.orgId,
      email: input.email,
      role: input.role,
      createdBy: actor.id,
    });
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "member.invited",
      detail: { email: input.email, role: input.role },
    });
    return { link: accountLink(appUrl, "/invite", token), invitation: toDto(row) };
  });
}

export async function listInvitations(db: Db, actor: Actor): Promise<InvitationDto[]> {
  assertAdmin(actor);
  const rows = await db.select().from(accountTokens).where(pendingIn(actor.orgId, new Date())).orderBy(asc(accountTokens.email));
  return rows.map(toDto);
}

/** The link stops working at once. */
export async function revokeInvitation(db: Db, actor: Actor, invitationId: string): Promise<void> {
  assertAdmin(actor);
  const deleted = await db
    .delete(accountTokens)
    .where(and(eq(accountTokens.id, invitationId), pendingIn(actor.orgId, new Date(0))))
    .returning({ id: accountTokens.id });
  if (!deleted.length) throw new NotFound("That invitation does not exist or was already used");
}

/** What the invitation page shows, or undefined for a used, revoked, expired or unknown link. */
export async function invitationForToken(
  db: Db,
  token: string,
): Promise<{ email: string; orgName: string; role: "admin" | "member" } | undefined> {
  const row = await peekAccountToken(db, "invitation", token);
  if (!row?.orgId || !row.email || !(await issuerStillAdmin(db, row))) return undefined;
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, row.orgId));
  return org ? { email: row.email, orgName: org.name, role: row.role ?? "member" } : undefined;
}

/** The invitee chooses a name and password: their account is created and the link used up. */
export async function acceptInvitation(db: Db, input: AcceptInvitationInput): Promise<SessionSubject> {
  const dead = () => new Invalid("This invitation has expired or was already used. Ask your admin for a new one.");
  // A cheap read first: a wrong or dead link costs no password hashing (docs/security.md "One-time links").
  if (!(await invitationForToken(db, input.token))) throw dead();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const used = await consumeAccountToken(tx, "invitation", input.token);
    if (!used?.orgId || !used.email || !(await issuerStillAdmin(tx, used))) throw dead();
    if (await findUserByEmail(tx, used.email)) throw emailTaken();
    const [user] = await tx
      .insert(users)
      .values({ orgId: used.orgId, email: used.email, name: input.name, role: used.role ?? "member", passwordHash })
      .onConflictDoNothing()
      .returning();
    if (!user) throw emailTaken();
    await recordAudit(tx, { orgId: user.orgId, actorId: user.id, action: "member.joined", detail: { role: user.role } });
    return subjectOf(user);
  });
}
