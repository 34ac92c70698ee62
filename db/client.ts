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
import { logger } from "@/lib/observe/logger";
import * as schema from "./schema";
import { PgliteThread, type PgliteClient } from "./pglite-thread";

/** Both drivers give this one type: code above db/ never knows which it has. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The rows `db.execute` answered: postgres.js answers the array itself, PGlite an object with `rows`. */
export function executedRows<T = Record<string, unknown>>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

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

/** A transaction on PGlite's own client, with COPY … FROM a blob in the binary format (see BulkLoad). */
export type BulkTransaction = {
  /** One statement; its rows as objects. Parameters are sent as text. */
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  /** COPY table (columns) FROM rows in PostgreSQL's binary COPY format (lib/calls/copy-binary.ts). */
  copyFrom(table: string, columns: readonly string[], rows: Uint8Array<ArrayBuffer>): Promise<void>;
};

/**
 * PGlite only: bulk loading for the call log (docs/architecture.md "Call log"). PGlite does
 * all the database's work on one thread (its own, docs/architecture.md "PGlite's own thread"),
 * shared with the pages' statements; COPY from a blob costs about half of an INSERT … SELECT
 * from jsonb_to_recordset there (measured, see the architecture note). Postgres does that work
 * in its own processes, so it has no need of it.
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
  /** PGlite on its own thread: tells `listener` if the thread stops other than by close() (the database is gone). */
  onLost?(listener: (reason: Error) => void): void;
  close(): Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/** An arbitrary constant: the key of the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 72_114_001;

/** PGlite's own start parameters, with the buffer cache's size. */
export function pgliteStartParams(sharedBuffers = PGLITE_SHARED_BUFFERS): string[] {
  return [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}`];
}

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
  const options = { startParams: pgliteStartParams(target.sharedBuffers) };
  if (target.dataDir) {
    const created = await createPgliteDirectory(target.dataDir, options.startParams);
    if (created.outcome === "failed")
      logger().warn({ reason: created.reason }, "PGlite: could not create the data directory apart; creating it in this process");
    fs.mkdirSync(target.dataDir, { recursive: true });
  }
  // On a data directory (the app's own database) PGlite runs on a thread of its own, so that the
  // database's work leaves the serving thread (docs/architecture.md "PGlite's own thread"). In
  // memory (tests) it stays on the caller's thread: nothing is served there.
  const lost = new Set<(reason: Error) => void>();
  const onStopped = (reason: Error) => {
    logger().error({ reason: reason.message }, "PGlite: the database thread stopped");
    for (const listener of lost) listener(reason);
  };
  const client: PgliteClient = target.dataDir
    ? await PgliteThread.open(target.dataDir, options.startParams, { onStopped })
    : await inlinePglite(options);
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  const bulk: BulkLoad = {
    transaction: (fn) =>
      client.transaction((tx) =>
        fn({
          query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows,
          async copyFrom(table, columns, rows) {
            await tx.query(`copy ${table} (${columns.join(", ")}) from '/dev/blob' with (format binary)`, [], {
              blob: new Blob([rows]),
            });
          },
        }),
      ),
  };
  return { db, kind: "pglite", bulk, onLost: (listener) => lost.add(listener), close: () => client.close() };
}

/** PGlite on the caller's own thread (in memory, for tests). */
async function inlinePglite(options: { startParams: string[] }): Promise<PgliteClient> {
  const client = new PGlite(options);
  await client.waitReady;
  return client as unknown as PgliteClient;
}

/** What createPgliteDirectory did; `failed` says why (no secret can be in it: nothing secret is involved). */
export type PgliteDirectoryOutcome = { outcome: "existing" } | { outcome: "created" } | { outcome: "failed"; reason: string };

/** initdb takes seconds; a child still at it after this is stuck. */
const CREATE_TIMEOUT_MS = 120_000;

/**
 * A new PGlite directory is created (initdb) in a child process: initdb grows PGlite's memory
 * to ~700 MiB, which a process keeps after PGlite is closed, even a worker thread's. Opened
 * afterwards, the directory costs the app what any later start costs (docs/architecture.md
 * "Memory"). The child builds it in a sibling directory, which is renamed into place only
 * once the child has exited cleanly: a child killed half-way (the out-of-memory killer's first
 * pick) leaves nothing that a later start would take for a database. On failure the app's own
 * open creates the directory as before, and openDatabase logs why the child could not.
 */
export async function createPgliteDirectory(
  dataDir: string,
  startParams: string[],
  timeoutMs = CREATE_TIMEOUT_MS,
): Promise<PgliteDirectoryOutcome> {
  const versionFile = (dir: string) => path.join(dir, "PG_VERSION");
  if (fs.existsSync(versionFile(dataDir))) return { outcome: "existing" };
  const notEmpty = () => fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0;
  if (notEmpty()) return { outcome: "failed", reason: `${dataDir} is not empty` };
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(dataDir), `.${path.basename(dataDir)}-new-`));
  try {
    const failure = await initdbInChild(staging, startParams, timeoutMs);
    if (failure) return { outcome: "failed", reason: failure };
    if (!fs.existsSync(versionFile(staging))) return { outcome: "failed", reason: "the child exited without a database" };
    if (fs.existsSync(dataDir)) {
      if (fs.existsSync(versionFile(dataDir))) return { outcome: "existing" }; // made meanwhile by another process
      if (notEmpty()) return { outcome: "failed", reason: `${dataDir} is not empty` };
      fs.rmdirSync(dataDir);
    }
    fs.renameSync(staging, dataDir);
    return { outcome: "created" };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Runs PGlite's initdb on `dir` in a child process; resolves to why it failed, or undefined. */
function initdbInChild(dir: string, startParams: string[], timeoutMs: number): Promise<string | undefined> {
  const script = `try {
  const { PGlite } = await import("@electric-sql/pglite");
  const [dataDir, startParams] = JSON.parse(process.argv[1]);
  const db = new PGlite(dataDir, { startParams });
  await db.waitReady;
  await db.close();
} catch (error) {
  process.stderr.write(String(error instanceof Error ? error.message : error) + "\\n");
  process.exit(1);
}`;
  return new Promise((resolve) => {
    // The JSON argument starts with "[", so node never reads it as an option; no shell is involved.
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, JSON.stringify([dir, startParams])], {
      cwd: process.cwd(),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    const killChild = () => child.kill("SIGKILL");
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild();
    }, timeoutMs);
    process.once("exit", killChild);
    const done = (failure: string | undefined) => {
      clearTimeout(timer);
      process.removeListener("exit", killChild);
      resolve(failure);
    };
    child.once("error", (error) => done(`cannot start node: ${(error as NodeJS.ErrnoException).code ?? error.name}`));
    child.once("exit", (code, signal) => {
      if (code === 0) return done(undefined);
      const firstLine = stderr.split("\n").find((line) => line.trim()) ?? "";
      const how = timedOut ? `took longer than ${timeoutMs / 1000} s` : signal ? `was killed (${signal})` : `exited with ${code}`;
      done(`the child ${how}${firstLine ? `: ${firstLine.slice(0, 200)}` : ""}`);
    });
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
