import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createPgliteDirectory, openDatabase, PGLITE_SHARED_BUFFERS, pgliteStartParams } from "./client";

/**
 * Embedded PGlite's memory (docs/architecture.md "Memory"): a new data directory is created in
 * a child process, whose memory goes when it exits; the buffer cache is small by default rather
 * than Postgres's 128MB, which would stay resident in the app's process for its whole life, and
 * CONNECTIONS_PGLITE_SHARED_BUFFERS's value when one is given. A directory opened again with
 * another size keeps its data.
 */
describe("embedded PGlite on a data directory", () => {
  const shown = async (handle: Awaited<ReturnType<typeof openDatabase>>) => {
    const result = (await handle.db.execute(sql`show shared_buffers`)) as unknown as { rows: { shared_buffers: string }[] };
    return result.rows[0].shared_buffers;
  };

  it("is created apart, leaves an existing directory alone, and takes the configured buffer cache", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-"));
    try {
      expect(await createPgliteDirectory(dataDir, pgliteStartParams())).toEqual({ outcome: "created" });
      // Nothing in this process opened it: the child made the cluster.
      const version = path.join(dataDir, "PG_VERSION");
      expect(fs.readFileSync(version, "utf8").trim()).toMatch(/^\d+$/);
      const made = fs.statSync(version).mtimeMs;
      expect(await createPgliteDirectory(dataDir, pgliteStartParams())).toEqual({ outcome: "existing" });
      expect(fs.statSync(version).mtimeMs).toBe(made);

      const first = await openDatabase({ kind: "pglite", dataDir, sharedBuffers: "32MB" });
      expect(await shown(first)).toBe("32MB");
      await first.db.execute(sql`create table kept (v text)`);
      await first.db.execute(sql`insert into kept values ('still here')`);
      await first.close();

      const again = await openDatabase({ kind: "pglite", dataDir });
      try {
        expect(PGLITE_SHARED_BUFFERS).toBe("16MB");
        expect(await shown(again)).toBe(PGLITE_SHARED_BUFFERS);
        const kept = (await again.db.execute(sql`select v from kept`)) as unknown as { rows: { v: string }[] };
        expect(kept.rows).toEqual([{ v: "still here" }]);
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe("when the child cannot create it", () => {
    const leftovers = (parent: string) => fs.readdirSync(parent).filter((name) => name.includes("-new-"));

    it("leaves nothing a later start would take for a database, and says why", async () => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-"));
      const dataDir = path.join(parent, "pglite");
      try {
        // Postgres refuses a buffer cache under 128kB: initdb fails in the child.
        const refused = await createPgliteDirectory(dataDir, pgliteStartParams("8kB"));
        expect(refused).toEqual({ outcome: "failed", reason: expect.stringMatching(/^the child exited with 1/) });
        expect(fs.existsSync(dataDir)).toBe(false);
        expect(leftovers(parent)).toEqual([]);

        // Stuck: killed at the deadline, its half-made directory removed.
        const stuck = await createPgliteDirectory(dataDir, pgliteStartParams(), 50);
        expect(stuck).toEqual({ outcome: "failed", reason: "the child took longer than 0.05 s" });
        expect(fs.existsSync(dataDir)).toBe(false);
        expect(leftovers(parent)).toEqual([]);
      } finally {
        fs.rmSync(parent, { recursive: true, force: true });
      }
    });

    it("never replaces a directory that holds something else", async () => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-"));
      const dataDir = path.join(parent, "pglite");
      try {
        fs.mkdirSync(dataDir);
        fs.writeFileSync(path.join(dataDir, "notes.txt"), "someone's file");
        const outcome = await createPgliteDirectory(dataDir, pgliteStartParams());
        expect(outcome).toEqual({ outcome: "failed", reason: `${dataDir} is not empty` });
        expect(fs.readdirSync(dataDir)).toEqual(["notes.txt"]);
        expect(leftovers(parent)).toEqual([]);
      } finally {
        fs.rmSync(parent, { recursive: true, force: true });
      }
    });
  });
});
