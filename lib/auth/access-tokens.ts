import "server-only";
import { hash, randomBytes } from "node:crypto";
import { and, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { accessTokens, connections, organizations, users } from "@/db/schema";
import { invalidate } from "@/lib/cache/invalidation";
import { Invalid, NotFound } from "@/lib/errors";
import type { Actor } from "./users";

/**
 * Connections the actor may call: own, shared ("use credentials of login user"), or
 * "Everyone in my organization" (the rule of lib/invoke/load-for-call.ts). Checked when a
 * token is restricted, so the list says what it can do; a restriction only ever narrows.
 */
function callableBy(actor: Actor) {
  return and(
    eq(connections.orgId, actor.orgId),
    or(eq(connections.ownerId, actor.id), eq(connections.useLoginUserCredentials, true), eq(connections.access, "organization")),
  );
}

/** Personal access tokens: `cxn_` + 32 random bytes. Only a SHA-256 is stored (high entropy needs no slow hash). */
const PREFIX = "cxn_";
// One-shot crypto.hash: no Hash object per call on the data plane's hot path (the same digest).
const hashToken = (token: string) => hash("sha256", token, "base64url");

export type AccessTokenDto = {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  /** The connections it may call (null: every connection its user may call). */
  connectionIds: string[] | null;
};

function toDto(row: typeof accessTokens.$inferSelect): AccessTokenDto {
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    connectionIds: row.connectionIds ?? null,
  };
}

/** Creates a token; its value is returned once, here, and never again. */
export async function createAccessToken(
  db: Db,
  actor: Actor,
  input: { name: string; expiresInDays?: number | null; connectionIds?: string[] },
): Promise<{ token: string; accessToken: AccessTokenDto }> {
  const connectionIds = [...new Set(input.connectionIds ?? [])];
  if (connectionIds.length) {
    const callable = await db
      .select({ id: connections.id })
      .from(connections)
      .where(and(inArray(connections.id, connectionIds), callableBy(actor)));
    if (callable.length !== connectionIds.length) {
      throw new Invalid("A token can only be restricted to connections you may call", {
        connectionIds: ["Choose among the connections you may call"],
      });
    }
  }
  const days = input.expiresInDays === undefined ? 90 : input.expiresInDays;
  const token = PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(accessTokens)
    .values({
      orgId: actor.orgId,
      userId: actor.id,
      name: input.name,
      tokenHash: hashToken(token),
      displayPrefix: token.slice(0, 10),
      expiresAt: days === null ? null : new Date(Date.now() + days * 24 * 60 * 60 * 1000),
      connectionIds: connectionIds.length ? connectionIds : null,
    })
    .returning();
  return { token, accessToken: toDto(row) };
}

export async function listAccessTokens(db: Db, actor: Actor): Promise<AccessTokenDto[]> {
  const rows = await db
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.userId, actor.id), eq(accessTokens.orgId, actor.orgId)))
    .orderBy(desc(accessTokens.createdAt));
  return rows.map(toDto);
}

export async function revokeAccessToken(db: Db, actor: Actor, id: string): Promise<void> {
  const updated = await db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.id, id), eq(accessTokens.userId, actor.id), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  if (updated.length === 0) throw new NotFound("That token does not exist or is already revoked");
  invalidate({ kind: "access_token", orgId: actor.orgId, tokenId: id });
}

/**
 * Revokes every personal access token of a user (a reset link used, "Sign out everywhere":
 * docs/security.md "Sessions"). Call `announceUserChanged` after commit, so caches forget them.
 */
export async function revokeAllAccessTokens(db: Pick<Db, "update">, orgId: string, userId: string): Promise<number> {
  const revoked = await db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.userId, userId), eq(accessTokens.orgId, orgId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  return revoked.length;
}

/** "Last used" to the minute is enough: it is written at most once a minute per token. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * The actor a bearer token stands for, or undefined for an unknown or revoked token. One
 * query on the hot path of every API call: token, user and organization together.
 */
function prepareTokenLookup(db: Db) {
  return db
    .select({
      tokenId: accessTokens.id,
      lastUsedAt: accessTokens.lastUsedAt,
      expiresAt: accessTokens.expiresAt,
      connectionIds: accessTokens.connectionIds,
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      orgId: users.orgId,
      orgName: organizations.name,
    })
    .from(accessTokens)
    .innerJoin(users, and(eq(users.id, accessTokens.userId), eq(users.orgId, accessTokens.orgId)))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(
      and(
        eq(accessTokens.tokenHash, sql.placeholder("tokenHash")),
        isNull(accessTokens.revokedAt),
        sql`(${accessTokens.expiresAt} is null or ${accessTokens.expiresAt} > now())`,
      ),
    )
    .limit(1)
    .prepare("access_tokens_lookup");
}
// Prepared once per database: this query runs on every API call.
const tokenLookups = new WeakMap<Db, ReturnType<typeof prepareTokenLookup>>();

/** A token's actor and what decides how long it may be trusted without asking again. */
export type AccessTokenGrant = { actor: Actor; expiresAt: Date | null; lastUsedAt: Date | null };

/** The grant of a bearer token, or undefined for a malformed, unknown, revoked or expired one; writes nothing. */
export async function lookupAccessToken(db: Db, token: string): Promise<AccessTokenGrant | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 100) return undefined;
  let lookup = tokenLookups.get(db);
  if (!lookup) tokenLookups.set(db, (lookup = prepareTokenLookup(db)));
  const [row] = await lookup.execute({ tokenHash: hashToken(token) });
  if (!row) return undefined;
  return {
    actor: {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      orgId: row.orgId,
      orgName: row.orgName,
      token: { id: row.tokenId, connectionIds: row.connectionIds ?? null },
    },
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
  };
}

/** Whether "last used" of a token is old enough to be written again (to the minute is enough). */
export function tokenUseIsStale(lastUsedAt: Date | null, now = Date.now()): boolean {
  return !lastUsedAt || now - lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS;
}

/** Records that a token was used now. */
export async function touchAccessToken(db: Db, tokenId: string): Promise<void> {
  await db
    .update(accessTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(accessTokens.id, tokenId));
}

/** The actor a bearer token stands for (recording its use at most once a minute), or undefined. */
export async function actorFromAccessToken(db: Db, token: string): Promise<Actor | undefined> {
  const grant = await lookupAccessToken(db, token);
  if (!grant) return undefined;
  if (tokenUseIsStale(grant.lastUsedAt)) await touchAccessToken(db, grant.actor.token!.id);
  return grant.actor;
}

/** The id a cache keys a token by: its stored hash, never the token itself. */
export function accessTokenKey(token: string): string {
  return hashToken(token);
}

export type CallableConnectionDto = { id: string; name: string; linkName: string };

/** The connections the actor may call, for restricting a token to some of them. */
export async function listCallableConnections(db: Db, actor: Actor): Promise<CallableConnectionDto[]> {
  return db
    .select({ id: connections.id, name: connections.name, linkName: connections.linkName })
    .from(connections)
    .where(callableBy(actor))
    .orderBy(connections.linkName)
    .limit(500);
}
