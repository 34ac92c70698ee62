import "server-only";
import { hash } from "node:crypto";
import type { Db } from "@/db";
import { onInvalidate } from "@/lib/cache/invalidation";
import { TtlMap } from "@/lib/cache/ttl-map";
import { accessTokenKey, lookupAccessToken, tokenUseIsStale, touchAccessToken } from "./access-tokens";
import { decodeSessionToken } from "./session-token";
import { loadActor, type Actor } from "./users";

/**
 * Who is calling, remembered in process so that the data plane asks the database and
 * decrypts a session only when something changed (docs/architecture.md "Caches and
 * invalidation"): personal access tokens by their hash, sessions by a hash of the cookie.
 * An entry lives at most the TTL (≤ 60 s) and never past the token's or session's own
 * expiry; revoking a token, or any change to a user (removed, signed out everywhere,
 * password or role changed), drops their entries here and, through NOTIFY, on every instance.
 */
type Entry = { actor: Actor; expiresAt: number | null; lastUsedAt?: number | null };

const hashCookie = (token: string) => hash("sha256", token, "base64url");

export class ActorCache {
  private readonly tokens: TtlMap<string, Entry>;
  private readonly sessions: TtlMap<string, Entry>;
  private readonly unsubscribe: () => void;

  constructor(options: { ttlMs?: number } = {}) {
    const ttlMs = Math.min(options.ttlMs ?? 30_000, 60_000);
    this.tokens = new TtlMap({ ttlMs, maxEntries: 10_000 });
    this.sessions = new TtlMap({ ttlMs, maxEntries: 10_000 });
    this.unsubscribe = onInvalidate((event) => {
      if (event.kind === "access_token") this.tokens.deleteWhere((e) => e.actor.token?.id === event.tokenId);
      if (event.kind === "user") {
        this.tokens.deleteWhere((e) => e.actor.id === event.userId);
        this.sessions.deleteWhere((e) => e.actor.id === event.userId);
      }
    });
  }

  private static fresh(entry: Entry | undefined, now: number): Entry | undefined {
    return entry && (entry.expiresAt === null || entry.expiresAt > now) ? entry : undefined;
  }

  /** The actor of a personal access token, or undefined for an unknown, revoked or expired one. */
  async fromAccessToken(db: Db, token: string): Promise<Actor | undefined> {
    const key = accessTokenKey(token);
    const now = Date.now();
    let entry = ActorCache.fresh(this.tokens.get(key, now), now);
    if (!entry) {
      const generation = this.tokens.generation;
      const grant = await lookupAccessToken(db, token);
      if (!grant) return undefined;
      entry = {
        actor: grant.actor,
        expiresAt: grant.expiresAt?.getTime() ?? null,
        lastUsedAt: grant.lastUsedAt?.getTime() ?? null,
      };
      this.tokens.setIfCurrent(generation, key, entry, entry.expiresAt === null ? undefined : entry.expiresAt - now);
    }
    const lastUsed = entry.lastUsedAt ?? null;
    if (tokenUseIsStale(lastUsed === null ? null : new Date(lastUsed), now)) {
      entry.lastUsedAt = now;
      // Once a minute per token, and never awaited: "last used" is bookkeeping, not part of the call.
      touchAccessToken(db, entry.actor.token!.id).catch(() => undefined);
    }
    return entry.actor;
  }

  /** The actor of a raw session token, or undefined when it is not a live session of a current user. */
  async fromSessionToken(db: Db, token: string): Promise<Actor | undefined> {
    const key = hashCookie(token);
    const now = Date.now();
    const cached = ActorCache.fresh(this.sessions.get(key, now), now);
    if (cached) return cached.actor;
    const generation = this.sessions.generation;
    const claims = await decodeSessionToken(token);
    if (!claims) return undefined;
    // The epoch is part of the check: a session ended by "Sign out everywhere" or a password change is refused.
    const actor = await loadActor(db, claims.sub, claims.epoch);
    if (!actor) return undefined;
    this.sessions.setIfCurrent(generation, key, { actor, expiresAt: claims.expiresAt }, claims.expiresAt - now);
    return actor;
  }

  close(): void {
    this.unsubscribe();
    this.tokens.clear();
    this.sessions.clear();
  }
}
