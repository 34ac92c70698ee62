import "server-only";
import { spawn } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

/** Both drivers give this one type: code above db/ never knows which it has. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget =
  | { kind: "postgres"; url: string; maxConnections?: number }
  /**
   * dataDir undefined keeps PGlite in memory (tests). sharedBuffers is Postgres's
   * shared_buffers (e.g. "16MB"; default PGLITE_SHARED_BUFFERS).
   */
  | { kind: "pglite"; dataDir?: string; sharedBuffers?: string };

/**
 * PGlite's buffer cache. Postgres's own default (128MB) is sized for a server with a database
 * of its own; in the app's process it is resident memory for the process's life: a PGlite
 * opened with it sits at ~280 MiB, with 16MB at ~160 MiB (docs/architecture.md "Memory").
 * Its files are read through the operating system's page cache all the same.
 */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** Postgres LISTEN/NOTIFY, for what other instances must hear at once (lib/cache/notify.ts). */
export type PubSub = {
  /** Listens on a dedicated connection; resolves once listening, to the function that stops it. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
};

/** A transaction on PGlite's own client, with COPY … FROM a text blob (see BulkLoad). */
export type BulkTransaction = {
  /** One statement; its rows as objects. Parameters are sent as text. */
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** COPY table (columns) FROM rows in COPY's text format (tab-separated, \N for null, one line per row). */
  copyFrom(table: string, columns: readonly string[], text: string): Promise<void>;
};

/**
 * PGlite only: bulk loading for the call log (docs/architecture.md "Call log"). On PGlite the
 * database runs on the app's own thread, so every microsecond a batch costs is taken from
 * the calls being served; COPY from a text blob costs about half of an INSERT … SELECT from
 * jsonb_to_recordset there (measured, see the architecture note). Postgres does that work in
 * its own processes, so it has no need of it.
 */
export type BulkLoad = {
  /** Runs fn in one transaction: nothing else reaches the database until it ends. */
  transaction<T>(fn: (tx: BulkTransaction) => Promise<T>): Promise<T>;
};

export type DatabaseHandle = {
  db: Db;
  kind: DatabaseTarget["kind"];
  /** Present on Postgres; PGlite is one process and has no other instance to tell. */
  pubsub?: PubSub;
  /** Present on PGlite (see BulkLoad). */
  bulk?: BulkLoad;
  close(): Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/** An arbitrary constant: the key of the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 72_114_001;

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    const client = postgres(target.url, {
      max: target.maxConnections ?? 10,
      onnotice: () => {},
      // Secrets may sit in parameters; never let the driver print them.
      debug: false,
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    const pubsub: PubSub = {
      async listen(channel, onMessage) {
        const { unlisten } = await client.listen(channel, onMessage);
        return unlisten;
      },
      async notify(channel, payload) {
        await client.notify(channel, payload);
      },
    };
    return { db, kind: "postgres", pubsub, close: () => client.end({ timeout: 5 }) };
  }
  const options = {
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${target.sharedBuffers ?? PGLITE_SHARED_BUFFERS}`],
  };
  if (target.dataDir) {
    fs.mkdirSync(target.dataDir, { recursive: true });
    await createPgliteDirectory(target.dataDir, options.startParams);
  }
  const client = target.dataDir ? new PGlite(target.dataDir, options) : new PGlite(options);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const bulk: BulkLoad = {
    transaction: (fn) =>
      client.transaction((tx) =>
        fn({
          query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
          async copyFrom(table, columns, text) {
            await tx.query(`copy ${table} (${columns.join(", ")}) from '/dev/blob'`, [], { blob: new Blob([text]) });
          },
        }),
      ),
  };
  return { db, kind: "pglite", bulk, close: () => client.close() };
}

/**
 * A new PGlite directory is created (initdb) in a child process: initdb grows PGlite's memory
 * to ~700 MiB, which a process keeps after PGlite is closed, even a worker thread's. Opened
 * afterwards, the directory costs the app what any later start costs (docs/architecture.md
 * "Memory"). If the child fails, the app's own open creates the directory, or says why not.
 */
export async function createPgliteDirectory(dataDir: string, startParams: string[]): Promise<void> {
  if (fs.existsSync(path.join(dataDir, "PG_VERSION"))) return;
  const script = `const { PGlite } = await import("@electric-sql/pglite");
const [dataDir, startParams] = JSON.parse(process.argv[1]);
const db = new PGlite(dataDir, { startParams });
await db.waitReady;
await db.close();`;
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, JSON.stringify([dataDir, startParams])], {
      cwd: process.cwd(),
      stdio: "ignore",
    });
    child.once("error", () => resolve());
    child.once("exit", () => resolve());
  });
}

/** Applies db/migrations; on Postgres under an advisory lock so that instances starting together take turns. */
export async function migrateDatabase(target: DatabaseTarget, handle: DatabaseHandle): Promise<void> {
  if (target.kind === "pglite") {
    await migratePglite(handle.db as never, { migrationsFolder });
    return;
  }
  const lockClient = postgres(target.url, { max: 1, onnotice: () => {} });
  try {
    // max: 1 keeps every statement on one session, which holds the lock until unlocked.
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await lockClient.end({ timeout: 5 });
  }
}
