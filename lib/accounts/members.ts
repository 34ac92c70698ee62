import "server-only";
import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { accountTokens, connections, credentials, organizations, services, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import { invalidate } from "@/lib/cache/invalidation";
import { serviceRefOf, type ConnectionRow } from "@/lib/connections/access";
import type { CredentialRow } from "@/lib/credentials/credentials";
import { assertAdmin } from "@/lib/auth/session";
import { announceUserChanged } from "@/lib/auth/session-epoch";
import type { Actor } from "@/lib/auth/users";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { resolveService } from "@/lib/services/resolve";
import { revokeAtProvider } from "@/lib/services/revoke-at-provider";
import { openJson, sealJson } from "@/lib/secrets";
import type { ChangeRoleInput, RemoveMemberInput } from "@/lib/validation/accounts";
import { accountLink, deleteUnusedLinksIssuedBy, issueAccountToken } from "./one-time-tokens";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type UserRow = typeof users.$inferSelect;

export const LAST_ADMIN_MESSAGE = "An organization needs at least one admin: make someone else an admin first";

/**
 * Membership changes of one organization take turns: the organization's row is locked first,
 * so two admins demoting or removing each other at once cannot leave it without an admin.
 * Also re-reads the acting admin, whose role may have changed since their request began.
 */
async function lockMembership(tx: Tx, actor: Actor): Promise<void> {
  await tx.execute(sql`select id from ${organizations} where ${organizations.id} = ${actor.orgId} for update`);
  const [me] = await tx
    .select({ role: users.role })
    .from(users)
    .where(and(eq(users.id, actor.id), eq(users.orgId, actor.orgId)));
  if (me?.role !== "admin") throw new Forbidden("Only an admin of the organization can do that");
}

async function memberInOrg(tx: Pick<Db, "select">, actor: Actor, userId: string): Promise<UserRow> {
  const [row] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, actor.orgId)));
  if (!row) throw new NotFound("That member does not exist");
  return row;
}

async function otherAdmins(tx: Pick<Db, "select">, orgId: string, userId: string): Promise<number> {
  const [{ count }] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, "admin"), ne(users.id, userId)));
  return count;
}

/** An admin changes a member's role; the organization always keeps an admin. */
export async function changeRole(db: Db, actor: Actor, input: ChangeRoleInput): Promise<void> {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    await lockMembership(tx, actor);
    const member = await memberInOrg(tx, actor, input.userId);
    if (member.role === input.role) return;
    if (member.role === "admin" && (await otherAdmins(tx, actor.orgId, member.id)) === 0) throw new Conflict(LAST_ADMIN_MESSAGE);
    await tx.update(users).set({ role: input.role }).where(eq(users.id, member.id));
    // A demoted admin's invitations and reset links stop working with their role.
    if (member.role === "admin") await deleteUnusedLinksIssuedBy(tx, member.id);
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "member.role_changed",
      detail: { userId: member.id, role: input.role },
    });
  });
  // Roles are read from the database on every request; the caches of their actor forget the old one.
  announceUserChanged(actor.orgId, input.userId);
}

/** An admin issues a password-reset link for a member (single use, 24 hours); an earlier one stops working. */
export async function createPasswordResetLink(db: Db, actor: Actor, userId: string, appUrl: string): Promise<{ link: string }> {
  assertAdmin(actor);
  return db.transaction(async (tx) => {
    const member = await memberInOrg(tx, actor, userId);
    await tx
      .delete(accountTokens)
      .where(
        and(
          eq(accountTokens.userId, member.id),
          eq(accountTokens.purpose, "password_reset"),
          sql`${accountTokens.usedAt} is null`,
        ),
      );
    const { token } = await issueAccountToken(tx, {
      purpose: "password_reset",
      orgId: actor.orgId,
      userId: member.id,
      createdBy: actor.id,
    });
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "member.password_reset_issued",
      detail: { userId: member.id },
    });
    return { link: accountLink(appUrl, "/set-password", token) };
  });
}

export type RemovalResult = {
  handedOver: number;
  deletedConnections: number;
  revokedCredentials: number;
  /** Credentials whose provider could not be told (the local secret is deleted all the same). */
  revocationFailures: number;
};

/**
 * An admin removes a member (docs/product.md §8). In one transaction: their own connections
 * go to another member (who sees them not connected) or are deleted, their custom services
 * pass to the admin, their credentials, tokens and links are deleted with their account.
 * Then, with no transaction open, each deleted credential is revoked at its provider, and
 * every instance forgets their sessions and tokens at once.
 */
export async function removeMember(db: Db, actor: Actor, input: RemoveMemberInput): Promise<RemovalResult> {
  assertAdmin(actor);
  if (input.userId === actor.id) throw new Invalid("You cannot remove yourself; another admin can");
  const removed = await db.transaction(async (tx) => {
    await lockMembership(tx, actor);
    const member = await memberInOrg(tx, actor, input.userId);
    if (member.role === "admin" && (await otherAdmins(tx, actor.orgId, member.id)) === 0) throw new Conflict(LAST_ADMIN_MESSAGE);
    let heir: UserRow | undefined;
    if (input.connections === "hand_over") {
      if (!input.handOverTo || input.handOverTo === member.id) {
        throw new Invalid("Choose who gets their connections", { handOverTo: ["Choose another member"] });
      }
      heir = await memberInOrg(tx, actor, input.handOverTo);
    }
    const owned = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.orgId, actor.orgId), eq(connections.ownerId, member.id)));
    const ownedIds = owned.map((c) => c.id);
    // Theirs everywhere, and everyone's on the connections that are deleted with them.
    const doomed = await tx
      .select()
      .from(credentials)
      .where(
        and(
          eq(credentials.orgId, actor.orgId),
          heir || !ownedIds.length
            ? eq(credentials.userId, member.id)
            : or(eq(credentials.userId, member.id), inArray(credentials.connectionId, ownedIds)),
        ),
      );
    const touched = new Set(doomed.map((c) => c.connectionId));
    const connectionRows = new Map<string, ConnectionRow>(owned.map((c) => [c.id, c]));
    const others = [...touched].filter((id) => !connectionRows.has(id));
    if (others.length) {
      for (const c of await tx.select().from(connections).where(inArray(connections.id, others))) connectionRows.set(c.id, c);
    }
    if (ownedIds.length) {
      if (heir) {
        await tx.update(connections).set({ ownerId: heir.id, updatedAt: new Date() }).where(inArray(connections.id, ownedIds));
      } else {
        await tx.delete(connections).where(inArray(connections.id, ownedIds));
      }
    }
    await tx.delete(credentials).where(and(eq(credentials.orgId, actor.orgId), eq(credentials.userId, member.id)));
    // A custom service outlives its creator: it passes to the admin who removed them. Its secret
    // is sealed for its creator (docs/architecture.md "Secrets"), so it is sealed again for the
    // new one: left as it was, it would no longer open, and every connection of it would fail.
    const handedServices = await tx
      .select()
      .from(services)
      .where(and(eq(services.orgId, actor.orgId), eq(services.createdBy, member.id)));
    for (const service of handedServices) {
      const heirOf = { ...service, createdBy: actor.id };
      const secretSealed =
        service.secretSealed === null
          ? null
          : sealJson("service", heirOf, openJson<unknown>("service", service, service.secretSealed));
      await tx.update(services).set({ createdBy: actor.id, secretSealed }).where(eq(services.id, service.id));
    }
    // The links they made would otherwise outlive them (created_by is set null, not cascaded).
    await deleteUnusedLinksIssuedBy(tx, member.id);
    await tx.delete(users).where(eq(users.id, member.id)); // access tokens, links for them and leases go with it
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "member.removed",
      detail: {
        userId: member.id,
        email: member.email,
        connections: input.connections,
        handedOverTo: heir?.id ?? null,
        connectionCount: ownedIds.length,
      },
    });
    return { member, doomed, connectionRows, ownedIds, heir, handedServices: handedServices.length };
  });

  announceUserChanged(actor.orgId, removed.member.id);
  // Cached service definitions still name the old creator (who alone may connect a client-credentials one).
  if (removed.handedServices) invalidate({ kind: "service", orgId: actor.orgId });
  for (const id of new Set([...removed.ownedIds, ...removed.doomed.map((c) => c.connectionId)])) {
    invalidate({ kind: "connection", orgId: actor.orgId, connectionId: id });
  }
  let revocationFailures = 0;
  let revokedCredentials = 0;
  for (const credential of removed.doomed) {
    const outcome = await revokeDeleted(db, actor, removed.connectionRows.get(credential.connectionId), credential);
    if (outcome === "revoked") revokedCredentials += 1;
    if (outcome === "failed") revocationFailures += 1;
  }
  return {
    handedOver: removed.heir ? removed.ownedIds.length : 0,
    deletedConnections: removed.heir ? 0 : removed.ownedIds.length,
    revokedCredentials,
    revocationFailures,
  };
}

/** Tells the provider to forget a credential already deleted here (best effort, lib/services/revoke-at-provider.ts). */
async function revokeDeleted(
  db: Db,
  actor: Actor,
  connection: ConnectionRow | undefined,
  credential: CredentialRow,
): Promise<"revoked" | "no_endpoint" | "failed"> {
  if (!connection || !credential.payloadSealed) return "no_endpoint";
  const service = await resolveService(db, actor, serviceRefOf(connection)).catch(() => undefined);
  if (!service) return "failed";
  return revokeAtProvider(db, actor, { service, credential });
}
