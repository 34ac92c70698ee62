/**
 * The call-log retention purge on both databases: rows older than the retention go, newer ones
 * stay, and calls of connections that no longer exist go.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLog, tokenRefreshes } from "@/db/schema";
import { addConnection, createTestDatabase, databaseKinds, seedPeople, setupTestEnv, type TestDatabase } from "@/test/harness";
import { purgeCallLog } from "./call-log-retention";

const DAY = 86_400_000;

beforeAll(() => {
  setupTestEnv({ env: { CONNECTIONS_CALL_LOG_DAYS: "14" } });
});

describe.each(databaseKinds)("call-log retention (%s)", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("deletes the rows older than CONNECTIONS_CALL_LOG_DAYS and keeps the rest", async () => {
    const people = await seedPeople(database.db);
    const connection = await addConnection(database.db, people.ada, { service: "github", linkName: "logged" });
    const now = Date.now();
    const row = (ageMs: number, path: string) => ({
      orgId: people.ada.orgId,
      connectionId: connection.id,
      callerId: people.ada.id,
      method: "GET",
      host: "api.github.com",
      path,
      status: 200,
      appMs: 1,
      createdAt: new Date(now - ageMs),
    });
    await database.db
      .insert(callLog)
      .values([row(20 * DAY, "/old"), row(14 * DAY + 60_000, "/just-over"), row(13 * DAY, "/recent"), row(0, "/now")]);

    expect(await purgeCallLog(database.db, { now: new Date(now) })).toBe(2);
    const left = await database.db.select({ path: callLog.path }).from(callLog);
    expect(left.map((r) => r.path).sort()).toEqual(["/now", "/recent"]);
    expect(await purgeCallLog(database.db, { now: new Date(now) })).toBe(0);
  });

  it("purges token refreshes past the retention too", async () => {
    const people = await seedPeople(database.db);
    const connection = await addConnection(database.db, people.ada, { service: "github", linkName: "refreshed" });
    const now = Date.now();
    const row = (ageMs: number, providerError: string) => ({
      orgId: people.ada.orgId,
      connectionId: connection.id,
      userId: people.ada.id,
      outcome: "failed" as const,
      providerError,
      createdAt: new Date(now - ageMs),
    });
    await database.db.insert(tokenRefreshes).values([row(15 * DAY, "old"), row(DAY, "recent")]);

    expect(await purgeCallLog(database.db, { now: new Date(now) })).toBe(1);
    const left = await database.db.select({ providerError: tokenRefreshes.providerError }).from(tokenRefreshes);
    expect(left.map((r) => r.providerError)).toEqual(["recent"]);
  });

  it("removes recent calls of a connection that no longer exists (written while it was being deleted)", async () => {
    const people = await seedPeople(database.db);
    const kept = await addConnection(database.db, people.ada, { service: "github", linkName: "still_here" });
    const call = (connectionId: string, path: string) => ({
      orgId: people.ada.orgId,
      connectionId,
      callerId: people.ada.id,
      method: "GET",
      host: "api.github.com",
      path,
      status: 200,
      appMs: 1,
    });
    await database.db.insert(callLog).values([call(randomUUID(), "/orphan"), call(kept.id, "/kept")]);
    expect(await purgeCallLog(database.db)).toBe(1);
    const paths = (await database.db.select({ path: callLog.path }).from(callLog)).map((r) => r.path);
    expect(paths).toContain("/kept");
    expect(paths).not.toContain("/orphan");
  });
});
