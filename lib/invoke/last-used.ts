import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import { logger } from "@/lib/observe/logger";

/** "Last used" is written at most this often per credential and process. */
const LAST_USED_MIN_INTERVAL_MS = 1_000;

/** Records "last used" of a connection and its credential, at most once a second each (docs/product.md §7). */
export function createLastUsedRecorder() {
  const lastWrites = new Map<string, number>();
  return async function recordLastUsed(db: Db, connectionId: string, credentialId: string | undefined): Promise<void> {
    const key = credentialId ?? connectionId;
    const now = Date.now();
    const last = lastWrites.get(key);
    if (last !== undefined && now - last < LAST_USED_MIN_INTERVAL_MS) return;
    if (lastWrites.size > 10_000) lastWrites.clear();
    lastWrites.set(key, now);
    const at = new Date(now);
    try {
      await Promise.all([
        db.update(connections).set({ lastUsedAt: at }).where(eq(connections.id, connectionId)),
        credentialId ? db.update(credentials).set({ lastUsedAt: at }).where(eq(credentials.id, credentialId)) : undefined,
      ]);
    } catch {
      // The call itself happened; a failed bookkeeping write must not turn it into an error (a script might repeat a POST).
      logger().warn({ connectionId }, "could not record the last use of a connection");
    }
  };
}
