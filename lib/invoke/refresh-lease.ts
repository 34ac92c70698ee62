import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { credentialLeases } from "@/db/schema";
import { onInvalidate } from "@/lib/cache/invalidation";

/**
 * The lease that makes one refresh per credential across instances (docs/architecture.md
 * "Refresh"), without holding a database connection while the token endpoint answers:
 * taken with one statement when free or expired, released after the write. Waiters on
 * other instances hear of the release through the invalidation bus (Postgres NOTIFY), and
 * look again at least every `pollMs` in case a notification is lost.
 */
export type Lease = { holder: string; release(): Promise<void> };

/** Takes the lease of (connection, user) for `ms`, or null when another renewal holds it. */
export async function acquireLease(db: Db, key: { connectionId: string; userId: string }, ms: number): Promise<Lease | null> {
  const holder = randomUUID();
  const until = sql`now() + make_interval(secs => ${ms / 1000})`;
  const taken = await db
    .insert(credentialLeases)
    .values({ connectionId: key.connectionId, userId: key.userId, holder, leaseUntil: until })
    .onConflictDoUpdate({
      target: [credentialLeases.connectionId, credentialLeases.userId],
      set: { holder, leaseUntil: until },
      setWhere: sql`${credentialLeases.leaseUntil} is null or ${credentialLeases.leaseUntil} < now()`,
    })
    .returning({ holder: credentialLeases.holder });
  if (taken[0]?.holder !== holder) return null;
  return {
    holder,
    async release() {
      await db
        .update(credentialLeases)
        .set({ holder: null, leaseUntil: null })
        .where(
          and(
            eq(credentialLeases.connectionId, key.connectionId),
            eq(credentialLeases.userId, key.userId),
            eq(credentialLeases.holder, holder),
          ),
        );
    },
  };
}

/**
 * Waits until the holder of the lease is done with this connection (its release is
 * announced as a connection invalidation), or `pollMs` passes, whichever comes first.
 */
export function waitForRelease(connectionId: string, pollMs: number): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, pollMs);
    const unsubscribe = onInvalidate((event) => {
      if (event.kind === "connection" && event.connectionId === connectionId) done();
    });
  });
}
