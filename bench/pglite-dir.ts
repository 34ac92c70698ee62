/**
 * The benchmarks' PGlite database: a migrated data directory of its own (on disk, as the app
 * keeps it), opened for `work` and removed afterwards, whatever `work` did.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PgliteClient } from "@/db/pglite-thread";
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseTarget } from "@/db/client";

export async function withMigratedPglite(
  name: string,
  work: (handle: DatabaseHandle, client: PgliteClient) => Promise<void>,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `connections-bench-${name}-`));
  const target: DatabaseTarget = { kind: "pglite", dataDir: path.join(dir, "data") };
  const handle = await openDatabase(target);
  try {
    await migrateDatabase(target, handle);
    await work(handle, (handle.db as unknown as { $client: PgliteClient }).$client);
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Ends a benchmark's process with its error's message. */
export function exitOnError(error: unknown): never {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
