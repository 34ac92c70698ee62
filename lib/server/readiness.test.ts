import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "@/db/client";
import { generateKey, parseKeyRing } from "@/lib/crypto";
import { createTestDatabase, databaseKinds, type TestDatabase } from "@/test/harness";
import { checkReadiness, journalEntries, readinessBody } from "./readiness";

const ring = parseKeyRing(JSON.stringify({ k1: generateKey() }), "k1");

/** A copy of db/migrations whose journal lists one more migration than the database has. */
function folderWithExtraMigration(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-migrations-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const entries = journalEntries(migrationsFolder);
  const last = entries[entries.length - 1]!;
  const journal = {
    version: "7",
    dialect: "postgresql",
    entries: [...entries, { ...last, idx: last.idx + 1, when: last.when + 1, tag: "9999_next" }],
  };
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  return dir;
}

describe.each(databaseKinds)("readiness on %s", (kind) => {
  let migrated: TestDatabase;
  let empty: TestDatabase;
  beforeAll(async () => {
    migrated = await createTestDatabase(kind);
    empty = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await migrated.drop();
    await empty.drop();
  });

  it("is ready when the database answers, every migration is applied and the key ring round-trips", async () => {
    const readiness = await checkReadiness({ db: async () => migrated.db, keyRing: () => ring });
    expect(readiness).toEqual({ ready: true, checks: { database: "ok", migrations: "ok", keyRing: "ok" }, reasons: {} });
    expect(readinessBody(readiness)).toEqual({
      status: 200,
      body: { status: "ready", checks: { database: "ok", migrations: "ok", keyRing: "ok" } },
    });
  });

  it("names migrations when the database has none applied", async () => {
    const readiness = await checkReadiness({ db: async () => empty.db, keyRing: () => ring });
    expect(readiness.checks).toEqual({ database: "ok", migrations: "failed", keyRing: "ok" });
    expect(readinessBody(readiness)).toMatchObject({ status: 503, body: { status: "not_ready", failed: ["migrations"] } });
  });

  it("names migrations when the journal lists one the database lacks", async () => {
    const readiness = await checkReadiness({
      db: async () => migrated.db,
      keyRing: () => ring,
      migrationsFolder: folderWithExtraMigration(),
    });
    expect(readiness.checks.migrations).toBe("failed");
    expect(readiness.reasons.migrations).toContain("9999_next");
  });

  it("names the key ring when it cannot be opened", async () => {
    const readiness = await checkReadiness({
      db: async () => migrated.db,
      keyRing: () => parseKeyRing("{not json", "k1"),
    });
    expect(readiness.checks).toEqual({ database: "ok", migrations: "ok", keyRing: "failed" });
    expect(readinessBody(readiness).body.failed).toEqual(["keyRing"]);
  });
});

describe("readiness without a database", () => {
  it("names the database when it cannot be opened, and skips the migrations", async () => {
    const readiness = await checkReadiness({
      db: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")),
      keyRing: () => ring,
    });
    expect(readiness.checks).toEqual({ database: "failed", migrations: "skipped", keyRing: "ok" });
    expect(readinessBody(readiness)).toEqual({
      status: 503,
      body: { status: "not_ready", checks: readiness.checks, failed: ["database"] },
    });
  });

  it("names the database when a closed one no longer answers", async () => {
    const db = await createTestDatabase("pglite");
    await db.close();
    const readiness = await checkReadiness({ db: async () => db.db, keyRing: () => ring });
    expect(readiness.checks.database).toBe("failed");
  });

  it("fails a database that hangs at its deadline instead of waiting", async () => {
    const readiness = await checkReadiness({ db: () => new Promise(() => {}), keyRing: () => ring, timeoutMs: 50 });
    expect(readiness.checks.database).toBe("failed");
    expect(readiness.reasons.database).toContain("did not answer");
  });
});
