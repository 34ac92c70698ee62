import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { invalidate } from "@/lib/cache/invalidation";

type Executor = Pick<Db, "update">;

/**
 * Ends every session of a user issued before now (docs/security.md "Sessions"): the epoch in
 * their session no longer matches. Returns the new epoch, or undefined when the user is not
 * in that organization. Call `announceUserChanged` once the transaction has committed.
 */
export async function bumpSessionEpoch(db: Executor, orgId: string, userId: string): Promise<number | undefined> {
  const [row] = await db
    .update(users)
    .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
    .where(and(eq(users.id, userId), eq(users.orgId, orgId)))
    .returning({ sessionEpoch: users.sessionEpoch });
  return row?.sessionEpoch;
}

/** Every cache of this user's actor (sessions, tokens) forgets it, here and on every instance. */
export function announceUserChanged(orgId: string, userId: string): void {
  invalidate({ kind: "user", orgId, userId });
}
