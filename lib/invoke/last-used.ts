import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import { logger } from "@/lib/observe/logger";

/** Pending "last used" times are written this often, in one statement per table. */
const FLUSH_INTERVAL_MS = 1_000;

/**
 * "Last used" of connections and credentials (docs/product.md §7), kept in memory per call
 * and written in batches off the hot path: at most one UPDATE per table and database each
 * second, whatever the call rate. A failed write is dropped (the call itself happened; a
 * script must not see an error for bookkeeping), and the next batch carries newer times.
 */
export function createLastUsedRecorder(intervalMs = FLUSH_INTERVAL_MS) {
  type Pending = { connections: Map<string, Date>; credentials: Map<string, Date> };
  const pending = new Map<Db, Pending>();
  let timer: NodeJS.Timeout | undefined;

  async function flushOne(db: Db, batch: Pending): Promise<void> {
    const rows = (map: Map<string, Date>) =>
      sql.join(
        [...map].map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`),
        sql`, `,
      );
    try {
      if (batch.connections.size) {
        await db.execute(
          sql`update ${connections} set last_used_at = v.at from (values ${rows(batch.connections)}) as v(id, at)
              where ${connections.id} = v.id and (${connections.lastUsedAt} is null or ${connections.lastUsedAt} < v.at)`,
        );
      }
      if (batch.credentials.size) {
        await db.execute(
          sql`update ${credentials} set last_used_at = v.at from (values ${rows(batch.credentials)}) as v(id, at)
              where ${credentials.id} = v.id and (${credentials.lastUsedAt} is null or ${credentials.lastUsedAt} < v.at)`,
        );
      }
    } catch {
      logger().warn("could not record the last use of some connections");
    }
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batches = [...pending];
    pending.clear();
    await Promise.all(batches.map(([db, batch]) => flushOne(db, batch)));
  }

  return {
    /** Notes a use now; written within `intervalMs`. */
    record(db: Db, connectionId: string, credentialId: string | undefined): void {
      let batch = pending.get(db);
      if (!batch) pending.set(db, (batch = { connections: new Map(), credentials: new Map() }));
      const at = new Date();
      batch.connections.set(connectionId, at);
      if (credentialId) batch.credentials.set(credentialId, at);
      if (!timer) {
        timer = setTimeout(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    /** Writes everything pending now (tests, shutdown). */
    flush,
  };
}
