import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { logger } from "@/lib/observe/logger";
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseTarget, type Db } from "./client";
import { seedDemo } from "./seed";

export type { Db } from "./client";

export function configuredTarget(): DatabaseTarget {
  const { DATABASE_URL, CONNECTIONS_DATA_DIR, CONNECTIONS_PGLITE_SHARED_BUFFERS } = env();
  return DATABASE_URL
    ? { kind: "postgres", url: DATABASE_URL }
    : {
        kind: "pglite",
        dataDir: path.resolve(CONNECTIONS_DATA_DIR, "pglite"),
        sharedBuffers: CONNECTIONS_PGLITE_SHARED_BUFFERS,
      };
}

type Holder = { ready?: Promise<DatabaseHandle>; closed?: boolean };
// One database per process, kept across dev hot reloads.
const holder = globalThis as typeof globalThis & { __connectionsDb?: Holder };

async function start(): Promise<DatabaseHandle> {
  const target = configuredTarget();
  const handle = await openDatabase(target);
  try {
    await migrateDatabase(target, handle);
    if (env().CONNECTIONS_SEED) {
      const { seeded } = await seedDemo(handle.db);
      if (seeded) logger().info("seeded the demo organizations (see README.md)");
    }
  } catch (error) {
    // The next try opens the directory again: this PGlite must be gone by then.
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** The application's database handle (driver, pub/sub), migrated and seeded on first use. */
export async function getDatabaseHandle(): Promise<DatabaseHandle> {
  holder.__connectionsDb ??= {};
  const h = holder.__connectionsDb;
  if (h.closed) throw new Error("the database is closed: the server is stopping");
  h.ready ??= start().then(
    (handle) => {
      // PGlite's thread is gone (db/client.ts logs why). The jobs, the call log's writer and the
      // webhooks hold this handle, so rather than serve on without them the process ends, and
      // its supervisor starts it again (docs/architecture.md "PGlite's own thread").
      handle.onLost?.(() => process.exit(1));
      return handle;
    },
    (error: unknown) => {
      h.ready = undefined; // let the next request try again rather than caching the failure
      throw error;
    },
  );
  return h.ready;
}

/** Closes the application's database at the server's stop; any later use fails. */
export async function closeDatabase(): Promise<void> {
  holder.__connectionsDb ??= {};
  const h = holder.__connectionsDb;
  h.closed = true;
  const ready = h.ready;
  h.ready = undefined;
  const handle = await ready?.catch(() => undefined);
  await handle?.close();
}

/** The application's database, migrated and seeded on first use. */
export async function getDb(): Promise<Db> {
  return (await getDatabaseHandle()).db;
}
