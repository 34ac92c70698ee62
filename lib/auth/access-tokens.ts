import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { accessTokens } from "@/db/schema";
import { NotFound } from "@/lib/errors";
import { loadActor, type Actor } from "./users";

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
export async function createAccessToken(db: Db, actor: Actor, input: { name: string }): Promise<{ token: string; accessToken: AccessTokenDto }> {
  const token = PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(accessTokens)
    .values({ orgId: actor.orgId, userId: actor.id, name: input.name, tokenHash: hashToken(token), displayPrefix: token.slice(0, 10) })
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
}

/** The actor a bearer token stands for, or undefined for an unknown or revoked token. */
export async function actorFromAccessToken(db: Db, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 100) return undefined;
  const [row] = await db
    .select()
    .from(accessTokens)
    .where(and(eq(accessTokens.tokenHash, hashToken(token)), isNull(accessTokens.revokedAt)))
    .limit(1);
  if (!row) return undefined;
  const actor = await loadActor(db, row.userId);
  if (!actor || actor.orgId !== row.orgId) return undefined;
  // "Last used" to the minute is enough, and saves a write on every call.
  const now = new Date();
  await db
    .update(accessTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(accessTokens.id, row.id), or(isNull(accessTokens.lastUsedAt), lt(accessTokens.lastUsedAt, new Date(now.getTime() - 60_000)))));
  return actor;
}
