/**
 * The server's stop (server.ts, lib/server/data-plane.ts; docs/architecture.md "PGlite's own
 * thread"): on embedded PGlite, whose thread the process's exit would cut mid-statement, the
 * stop ends the jobs, writes the call log's last rows and closes the database, in that order,
 * before the process exits.
 */
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDatabaseHandle } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";
import { callLog } from "@/db/schema";
import { jobsRunning } from "@/lib/jobs";
import { emitCall } from "@/lib/observe/events";
import { addConnection, seedPeople, setupTestEnv } from "@/test/harness";
import type { DataPlaneHolder } from "./data-plane";
import { startServer } from "./startup";

// Embedded PGlite on a data directory (the test environment's), whatever DATABASE_URL the suite has.
setupTestEnv({ env: { DATABASE_URL: "", CONNECTIONS_JOBS: "true", CONNECTIONS_CALL_LOG: "true" } });

describe("the server's stop on embedded PGlite", () => {
  it("ends the jobs, writes the last calls and closes the database before the process may exit", async () => {
    await startServer();
    const { db } = await getDatabaseHandle();
    const people = await seedPeople(db);
    const connection = await addConnection(db, people.ada, { service: "github", linkName: "stop_test" });
    expect(jobsRunning()).toBe(true);

    // A call served just before the signal: its row is still pending in the writer's buffer.
    emitCall({
      at: new Date(),
      orgId: people.ada.orgId,
      connectionId: connection.id,
      service: "github",
      callerId: people.ada.id,
      credentialUserId: people.ada.id,
      method: "GET",
      host: "api.github.com",
      path: "/user",
      status: 200,
      errorCode: null,
      appMs: 1,
      upstreamMs: 2,
      responseBytes: 3,
    });

    const holder = (globalThis as { __connectionsDataPlane?: DataPlaneHolder }).__connectionsDataPlane;
    await holder!.stop!();

    expect(jobsRunning()).toBe(false);
    // Closed, not reopened by a late caller.
    await expect(getDatabaseHandle()).rejects.toThrow(/closed/);

    // Opened again (the next start), the directory holds the last call.
    const target = { kind: "pglite" as const, dataDir: path.resolve(process.env.CONNECTIONS_DATA_DIR!, "pglite") };
    const again = await openDatabase(target);
    try {
      await migrateDatabase(target, again);
      const rows = await again.db.select({ path: callLog.path }).from(callLog).where(eq(callLog.connectionId, connection.id));
      expect(rows).toEqual([{ path: "/user" }]);
    } finally {
      await again.close();
    }
  }, 120_000);
});
