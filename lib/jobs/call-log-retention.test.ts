/**
 * The call-log retention purge on both databases: rows older than the retention go, newer ones
 * stay, and calls of connections that no longer exist go. call_log has no index on created_at:
 * the purge walks its primary key (docs/architecture.md "Retention"), so the order rows were
 * written in matters here.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { executedRows } from "@/db/client";
import { callLog, signInThrottle, tokenRefreshes } from "@/db/schema";
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
  beforeEach(async () => {
    await database.db.delete(callLog);
  });

  async function loggedConnection(linkName: string) {
    const people = await seedPeople(database.db);
    const connection = await addConnection(database.db, people.ada, { service: "github", linkName });
    return (path: string, createdAt: Date, connectionId = connection.id) => ({
      orgId: people.ada.orgId,
      connectionId,
      callerId: people.ada.id,
      method: "GET",
      host: "api.github.com",
      path,
      status: 200,
      appMs: 1,
      createdAt,
    });
  }
  async function tableBytes(table: string): Promise<number> {
    const result = await database.db.execute(sql`select pg_relation_size(${table}::regclass)::int as bytes`);
    return Number(executedRows<{ bytes: number }>(result)[0].bytes);
  }
  const paths = async () => (await database.db.select({ path: callLog.path }).from(callLog)).map((r) => r.path).sort();

  it("deletes the rows older than CONNECTIONS_CALL_LOG_DAYS and keeps the rest", async () => {
    const call = await loggedConnection("logged");
    const now = Date.now();
    const aged = (ageMs: number, path: string) => call(path, new Date(now - ageMs));
    await database.db
      .insert(callLog)
      .values([aged(20 * DAY, "/old"), aged(14 * DAY + 60_000, "/just-over"), aged(13 * DAY, "/recent"), aged(0, "/now")]);

    expect(await purgeCallLog(database.db, { now: new Date(now) })).toBe(2);
    expect(await paths()).toEqual(["/now", "/recent"]);
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
    const call = await loggedConnection("still_here");
    await database.db.insert(callLog).values([call("/orphan", new Date(), randomUUID()), call("/kept", new Date())]);
    expect(await purgeCallLog(database.db)).toBe(1);
    expect(await paths()).toEqual(["/kept"]);
  });

  it("walks the whole log in batches and stops at the calls within the retention", async () => {
    const call = await loggedConnection("batched");
    const now = Date.now();
    const old = Array.from({ length: 7 }, (_, i) => call(`/old-${i}`, new Date(now - 20 * DAY + i * 60_000)));
    await database.db.insert(callLog).values([...old, call("/recent", new Date(now - DAY)), call("/now", new Date(now))]);

    expect(await purgeCallLog(database.db, { now: new Date(now), batch: 3 })).toBe(7);
    expect(await paths()).toEqual(["/now", "/recent"]);
  });

  it("lets the app's other work run between batches (on PGlite the database shares the app's thread)", async () => {
    const call = await loggedConnection("yielding");
    const gone = randomUUID();
    const now = Date.now();
    await database.db
      .insert(callLog)
      .values([
        ...Array.from({ length: 9 }, (_, i) => call(`/old-${i}`, new Date(now - 20 * DAY + i * 60_000))),
        ...Array.from({ length: 6 }, (_, i) => call(`/orphan-${i}`, new Date(now - DAY), gone)),
        call("/now", new Date(now)),
      ]);
    // A macrotask queued before the purge, standing for a request waiting for the thread, and one
    // more each time it gets to run. A purge that never lets go of the thread runs none of them.
    let purging = true;
    let turns = 0;
    const turn = () => {
      if (!purging) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    const purged = await purgeCallLog(database.db, { now: new Date(now), batch: 3 });
    purging = false;
    expect(purged).toBe(15);
    // Three batches of old calls and two of orphans: the thread was let go between each.
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it("removes the calls of a connection deleted long ago, whatever their number", async () => {
    const call = await loggedConnection("survivor");
    const gone = randomUUID();
    const now = Date.now();
    await database.db
      .insert(callLog)
      .values([
        ...Array.from({ length: 5 }, (_, i) => call(`/orphan-${i}`, new Date(now - 2 * DAY), gone)),
        call("/kept", new Date(now - 2 * DAY)),
      ]);

    expect(await purgeCallLog(database.db, { now: new Date(now), batch: 2 })).toBe(5);
    expect(await paths()).toEqual(["/kept"]);
  });

  it("walks past calls stamped up to an hour past the cutoff (clocks that disagree), and stops at later ones until a later run", async () => {
    const call = await loggedConnection("skewed");
    const now = Date.now();
    const cutoff = now - 14 * DAY;
    // Written in this order by instances whose clocks disagree.
    await database.db
      .insert(callLog)
      .values([
        call("/old", new Date(cutoff - 60_000)),
        call("/ahead", new Date(cutoff + 30 * 60_000)),
        call("/behind", new Date(cutoff - 1_000)),
        call("/newer", new Date(cutoff + 2 * 3_600_000)),
        call("/behind-newer", new Date(cutoff - 2_000)),
      ]);

    expect(await purgeCallLog(database.db, { now: new Date(now), batch: 1 })).toBe(2);
    expect(await paths()).toEqual(["/ahead", "/behind-newer", "/newer"]);
    // 90 minutes on, "/newer" is half an hour past the cutoff: the walk goes past it.
    expect(await purgeCallLog(database.db, { now: new Date(now + 90 * 60_000), batch: 1 })).toBe(2);
    expect(await paths()).toEqual(["/newer"]);
  });

  it("is not stopped by a call stamped far in the future (a clock gone wrong)", async () => {
    const call = await loggedConnection("future");
    const now = Date.now();
    await database.db
      .insert(callLog)
      .values([call("/future", new Date(now + 400 * DAY)), call("/old", new Date(now - 20 * DAY)), call("/now", new Date(now))]);

    expect(await purgeCallLog(database.db, { now: new Date(now), batch: 1 })).toBe(1);
    expect(await paths()).toEqual(["/future", "/now"]);
  });

  it("with vacuum, the space of purged calls is used again: the table does not grow run after run", async () => {
    const call = await loggedConnection("recycled");
    const size = () => tableBytes("call_log");
    const now = Date.now();
    const fill = (from: number) =>
      database.db
        .insert(callLog)
        .values(Array.from({ length: 1_000 }, (_, i) => call(`/call-${from + i}`, new Date(now - 20 * DAY))));

    await fill(0);
    const filled = await size();
    expect(await purgeCallLog(database.db, { now: new Date(now), vacuum: true })).toBe(1_000);
    await fill(1_000);
    expect(await size()).toBeLessThanOrEqual(filled);
    expect(await purgeCallLog(database.db, { now: new Date(now), vacuum: true })).toBe(1_000);
  });

  it("with vacuum (the job on PGlite), rows deleted in any table leave space that is used again", async () => {
    const counters = (round: number) =>
      Array.from({ length: 1_000 }, (_, i) => ({ key: `retention-test-${round}-${i}`, points: i, expire: new Date() }));
    await database.db.insert(signInThrottle).values(counters(1));
    const filled = await tableBytes("sign_in_throttle");
    await database.db.delete(signInThrottle);
    await purgeCallLog(database.db, { vacuum: true });
    await database.db.insert(signInThrottle).values(counters(2));
    expect(await tableBytes("sign_in_throttle")).toBeLessThanOrEqual(filled);
  });
});
