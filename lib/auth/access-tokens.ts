import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { accessTokens, organizations, users } from "@/db/schema";
import { invalidate } from "@/lib/cache/invalidation";
import { NotFound } from "@/lib/errors";
import type { Actor } from "./users";

/** Personal access tokens: `cxn_` + 32 random bytes. Only a SHA-256 is stored (high entropy needs no slow hash). */
const PREFIX = "cxn_";
const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

export type AccessTokenDto = {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

function toDto(row: typeof accessTokens.$inferSelect): AccessTokenDto {
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token; its value is returned once, here, and never again. */
export async function createAccessToken(
  db: Db,
  actor: Actor,
  input: { name: string },
): Promise<{ token: string; accessToken: AccessTokenDto }> {
  const token = PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(accessTokens)
    .values({
      orgId: actor.orgId,
      userId: actor.id,
      name: input.name,
      tokenHash: hashToken(token),
      displayPrefix: token.slice(0, 10),
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
    .where(and(eq(accessTokens.tokenHash, sql.placeholder("tokenHash")), isNull(accessTokens.revokedAt)))
    .limit(1)
    .prepare("access_tokens_lookup");
}
// Prepared once per database: this query runs on every API call.
const tokenLookups = new WeakMap<Db, ReturnType<typeof prepareTokenLookup>>();

export async function actorFromAccessToken(db: Db, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 100) return undefined;
  let lookup = tokenLookups.get(db);
  if (!lookup) tokenLookups.set(db, (lookup = prepareTokenLookup(db)));
  const [row] = await lookup.execute({ tokenHash: hashToken(token) });
  if (!row) return undefined;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db
      .update(accessTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(accessTokens.id, row.tokenId));
  }
  return { id: row.id, email: row.email, name: row.name, role: row.role, orgId: row.orgId, orgName: row.orgName };
}
