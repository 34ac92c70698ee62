import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createPgliteDirectory, openDatabase, PGLITE_SHARED_BUFFERS } from "./client";

/**
 * Embedded PGlite's buffer cache (docs/architecture.md "Memory"): a small default rather than
 * Postgres's 128MB, which would stay resident in the app's process for its whole life, and
 * CONNECTIONS_PGLITE_SHARED_BUFFERS's value when one is given. A data directory opened again
 * with another size keeps its data. A new directory is created in a child process, whose
 * memory goes when it exits.
 */
describe("embedded PGlite's shared_buffers", () => {
  const shown = async (handle: Awaited<ReturnType<typeof openDatabase>>) => {
    const result = (await handle.db.execute(sql`show shared_buffers`)) as unknown as { rows: { shared_buffers: string }[] };
    return result.rows[0].shared_buffers;
  };

  it("is small by default and takes the configured size on a data directory", async () => {
    expect(PGLITE_SHARED_BUFFERS).toBe("16MB");
    const memory = await openDatabase({ kind: "pglite" });
    try {
      expect(await shown(memory)).toBe("16MB");
    } finally {
      await memory.close();
    }

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-"));
    try {
      const first = await openDatabase({ kind: "pglite", dataDir, sharedBuffers: "32MB" });
      expect(await shown(first)).toBe("32MB");
      await first.db.execute(sql`create table kept (v text)`);
      await first.db.execute(sql`insert into kept values ('still here')`);
      await first.close();

      const again = await openDatabase({ kind: "pglite", dataDir });
      try {
        expect(await shown(again)).toBe("16MB");
        const kept = (await again.db.execute(sql`select v from kept`)) as unknown as { rows: { v: string }[] };
        expect(kept.rows).toEqual([{ v: "still here" }]);
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("creates a new data directory in a child process, and leaves an existing one alone", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-"));
    try {
      const startParams = ["-c", "shared_buffers=16MB"];
      await createPgliteDirectory(dataDir, startParams);
      // Nothing in this process opened it: the child made the cluster.
      expect(fs.readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim()).toMatch(/^\d+$/);
      const made = fs.statSync(path.join(dataDir, "PG_VERSION")).mtimeMs;
      await createPgliteDirectory(dataDir, startParams);
      expect(fs.statSync(path.join(dataDir, "PG_VERSION")).mtimeMs).toBe(made);

      const opened = await openDatabase({ kind: "pglite", dataDir });
      try {
        expect(await shown(opened)).toBe("16MB");
      } finally {
        await opened.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
