import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { accountTokens, auditEvents, organizations, users } from "@/db/schema";
import type { SessionSubject } from "@/lib/auth/session-cookie";
import { findUserByEmail } from "@/lib/auth/users";
import { NO_PASSWORD } from "@/lib/crypto/password";
import { EMAIL_MAX } from "@/lib/validation/accounts";
import { subjectOf } from "./first-run";
import { issuerStillAdmin } from "./one-time-tokens";
import { isUuid } from "@/lib/validation/uuid";

/** What the provider says about the person (the ID token's claims). */
export type SsoClaims = { email?: unknown; email_verified?: unknown; name?: unknown };
export type SsoPolicy = { org?: string; domains: string[] };
export type SsoOutcome = { ok: true; subject: SessionSubject } | { ok: false; reason: "unverified" | "not_allowed" };

async function organizationOf(db: Db, ref: string): Promise<string | undefined> {
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(isUuid(ref) ? eq(organizations.id, ref) : eq(organizations.name, ref))
    .limit(2);
  return rows.length === 1 ? rows[0].id : undefined; // an ambiguous name joins nobody
}

/** Whether this email was removed from the organization (a `member.removed` audit entry names it). */
async function wasRemovedFrom(db: Db, orgId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, orgId),
        eq(auditEvents.action, "member.removed"),
        sql`lower(${auditEvents.detail}->>'email') = ${email}`,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Who a single sign-on is (docs/product.md §8), by the provider's verified email only.
 * With CONNECTIONS_OIDC_ORG (one organization): a member of that organization; or someone
 * with a pending invitation of that organization (it is used up and they join as invited);
 * or anyone of CONNECTIONS_OIDC_DOMAINS who was never removed from it, who joins as a
 * member. A user of another organization is refused: the provider vouches for one
 * organization only. Without CONNECTIONS_OIDC_ORG: existing users sign in by email, and
 * nobody is created (invitations are accepted on their page). Anyone else is refused.
 */
class InvitationWithdrawn extends Error {}

export async function resolveSsoSignIn(db: Db, claims: SsoClaims, policy: SsoPolicy): Promise<SsoOutcome> {
  if (typeof claims.email !== "string" || claims.email_verified !== true) return { ok: false, reason: "unverified" };
  const email = claims.email.trim().toLowerCase();
  if (email.length > EMAIL_MAX) return { ok: false, reason: "not_allowed" };
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 100) : email;
  const refused = { ok: false, reason: "not_allowed" } as const;
  const existing = await findUserByEmail(db, email);
  if (!policy.org) return existing ? { ok: true, subject: subjectOf(existing) } : refused;
  const orgId = await organizationOf(db, policy.org);
  if (!orgId) return refused;
  if (existing) return existing.orgId === orgId ? { ok: true, subject: subjectOf(existing) } : refused;

  const [pending] = await db
    .select()
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.purpose, "invitation"),
        eq(accountTokens.orgId, orgId),
        eq(accountTokens.email, email),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, new Date()),
      ),
    )
    .limit(1);
  const invitation = pending && (await issuerStillAdmin(db, pending)) ? pending : undefined;
  const domain = email.split("@").at(-1) ?? "";
  if (!invitation && (!policy.domains.includes(domain) || (await wasRemovedFrom(db, orgId, email)))) return refused;

  // They sign in with SSO: no password until they set one with a reset link.
  const passwordHash = NO_PASSWORD;
  const created = await db
    .transaction(async (tx) => {
      if (invitation) {
        // Used up as acceptInvitation does: still unused and unexpired at this instant, and its
        // issuer still an admin (checked again in the transaction: a demotion since the read counts).
        const [used] = await tx
          .update(accountTokens)
          .set({ usedAt: new Date() })
          .where(and(eq(accountTokens.id, invitation.id), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, new Date())))
          .returning();
        if (!used) return undefined;
        if (!(await issuerStillAdmin(tx, used))) throw new InvitationWithdrawn();
      }
      const [user] = await tx
        .insert(users)
        .values({ orgId, email, name, role: invitation?.role ?? "member", passwordHash })
        .onConflictDoNothing()
        .returning();
      return user;
    })
    .catch((error: unknown) => {
      if (error instanceof InvitationWithdrawn) return null; // rolled back: the invitation stays as it was
      throw error;
    });
  if (created === null) return refused;
  // A concurrent first sign-in of the same person may have created the account first.
  const user = created ?? (await findUserByEmail(db, email));
  return user?.orgId === orgId ? { ok: true, subject: subjectOf(user) } : refused;
}
