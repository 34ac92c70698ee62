/**
 * The call-log writer on both databases: real calls through the invoke engine against the
 * echo API land as `call_log` rows (masked, batched), renewals as `token_refreshes` rows,
 * the buffer is bounded, a connection deleted before the flush does not lose the batch, and
 * deleting a connection, an organization or a caller keeps the log consistent without foreign keys.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callLog, connections, organizations, tokenRefreshes, users } from "@/db/schema";
import { createInvokeEngine, type InvokeEngine } from "@/lib/invoke/invoke";
import { emitCall, emitRefresh, type CallEvent } from "@/lib/observe/events";
import { metrics } from "@/lib/observe/metrics";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import {
  addConnection,
  addCredential,
  apiKeyEntry,
  createTestDatabase,
  databaseKinds,
  seedPeople,
  setupTestEnv,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";
import { createCallLogWriter, startCallLog } from "./call-log-writer";

const SECRET = "ada-secret-key-9f3b";
let echo: EchoApi;

beforeAll(async () => {
  echo = await startEchoApi();
  setupTestEnv({
    extraEntries: [
      apiKeyEntry({ linkName: "t_key_query", baseUrl: echo.url, params: [{ name: "api_key", paramType: "query" }] }),
    ],
  });
});
afterAll(async () => {
  await echo?.close();
});

async function writtenRows(): Promise<number> {
  return (await metrics().callLogRows.get()).values.find((v) => v.labels.outcome === "written")?.value ?? 0;
}

function event(overrides: Partial<CallEvent> & Pick<CallEvent, "orgId" | "connectionId" | "callerId">): CallEvent {
  return {
    at: new Date(),
    service: "t_key_query",
    credentialUserId: overrides.callerId,
    method: "GET",
    host: "api.example.test",
    path: "/x",
    status: 200,
    errorCode: null,
    appMs: 1,
    upstreamMs: 2,
    responseBytes: 3,
    ...overrides,
  };
}

describe.each(databaseKinds)("call-log writer (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  let engine: InvokeEngine;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    engine = createInvokeEngine();
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });
  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  it("records each call made through the engine, with the credential's query value masked", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "t_key_query", linkName: `logged_${kind}` });
    await addCredential(db, people.ada, connection.id, { type: "api_key", values: { api_key: SECRET } });
    const writtenBefore = await writtenRows();
    stop = startCallLog(database, { flushMs: 20 });

    await engine.invoke(db, people.ada, {
      connection: connection.linkName,
      url: `${echo.url}/items?api_key=${SECRET}&page=2`,
      method: "GET",
    });
    await engine.invoke(db, people.ada, { connection: connection.linkName, url: `${echo.url}/status/503`, method: "POST" });
    // Written off the call path: nothing yet, or soon.
    await stop();
    stop = undefined;

    const rows = await db.select().from(callLog).where(eq(callLog.connectionId, connection.id)).orderBy(callLog.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      orgId: people.ada.orgId,
      callerId: people.ada.id,
      credentialUserId: people.ada.id,
      method: "GET",
      host: new URL(echo.url).host,
      path: "/items?api_key=…&page=2",
      status: 200,
      errorCode: null,
    });
    expect(rows[0].upstreamMs).not.toBeNull();
    expect(rows[1]).toMatchObject({ method: "POST", path: "/status/503" });
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    // The writer's own cost is in the metrics an operator scrapes.
    expect((await writtenRows()) - writtenBefore).toBe(2);
    const writes = (await metrics().callLogWrite.get()).values.find(
      (v) => v.metricName === "connections_call_log_write_seconds_count",
    );
    expect(writes?.value).toBeGreaterThan(0);
  });

  it("records token renewals with their outcome and the provider's error code", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.bob, { service: "github", linkName: `renewed_${kind}` });
    stop = startCallLog(database, { flushMs: 20 });
    const base = { orgId: people.bob.orgId, connectionId: connection.id, service: "github", userId: people.bob.id };
    emitRefresh({ ...base, at: new Date(Date.now() - 1000), outcome: "refreshed", providerError: null });
    emitRefresh({ ...base, at: new Date(), outcome: "needs_reauth", providerError: "invalid_grant" });
    await expect
      .poll(async () => (await db.select().from(tokenRefreshes).where(eq(tokenRefreshes.connectionId, connection.id))).length)
      .toBe(2);

    const rows = await db
      .select()
      .from(tokenRefreshes)
      .where(eq(tokenRefreshes.connectionId, connection.id))
      .orderBy(tokenRefreshes.id);
    expect(rows.map((r) => [r.outcome, r.providerError, r.userId])).toEqual([
      ["refreshed", null, people.bob.id],
      ["needs_reauth", "invalid_grant", people.bob.id],
    ]);
  });

  it("drops what does not fit in the bounded buffer and counts it", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "github", linkName: `bounded_${kind}` });
    const writer = createCallLogWriter(database, { flushMs: 60_000, batchSize: 1_000, maxBuffered: 3 });
    for (let i = 0; i < 5; i++) {
      writer.recordCall(event({ orgId: people.ada.orgId, connectionId: connection.id, callerId: people.ada.id, path: `/${i}` }));
    }
    expect(writer.dropped).toBe(2);
    await writer.flush();
    const rows = await db.select({ path: callLog.path }).from(callLog).where(eq(callLog.connectionId, connection.id));
    expect(rows.map((r) => r.path).sort()).toEqual(["/0", "/1", "/2"]);
  });

  it("keeps every path exactly as called: tabs, newlines, backslashes, a literal \\N, quotes, other scripts", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "github", linkName: `awkward_${kind}` });
    const writer = createCallLogWriter(database, { flushMs: 60_000 });
    const paths = ["/a\tb", "/line\nbreak\r", "/back\\slash\\", "/\\N", "\\N", '/"quoted"\'s', "/日本語/ü?q=…", "/tab\\tnot"];
    for (const path of paths) {
      writer.recordCall(event({ orgId: people.ada.orgId, connectionId: connection.id, callerId: people.ada.id, path }));
    }
    writer.recordCall(
      event({
        orgId: people.ada.orgId,
        connectionId: connection.id,
        callerId: people.ada.id,
        path: "/nul\0byte",
        status: null,
        errorCode: "network_error",
        upstreamMs: null,
      }),
    );
    await writer.flush();
    const rows = await db
      .select({ path: callLog.path, status: callLog.status, errorCode: callLog.errorCode, upstreamMs: callLog.upstreamMs })
      .from(callLog)
      .where(eq(callLog.connectionId, connection.id))
      .orderBy(callLog.id);
    // Calls of one millisecond may be stored in any order.
    expect(rows.map((r) => r.path).sort()).toEqual([...paths, "/nul\uFFFDbyte"].sort());
    expect(rows.find((r) => r.path.startsWith("/nul"))).toMatchObject({
      status: null,
      errorCode: "network_error",
      upstreamMs: null,
    });
    expect(writer.dropped).toBe(0);
  });

  it("tells its observer what each batch wrote, how long it took, and what was lost", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "github", linkName: `observed_${kind}` });
    const written: number[] = [];
    const seconds: number[] = [];
    let lost = 0;
    const writer = createCallLogWriter(database, {
      flushMs: 60_000,
      batchSize: 3,
      maxBuffered: 5,
      observer: {
        written: (rows, s) => {
          written.push(rows);
          seconds.push(s);
        },
        dropped: (rows) => (lost += rows),
      },
    });
    // The third call starts a write, which runs after this loop: the buffer (5) is full by then,
    // so the last two calls are lost, and the write takes the five in chunks of three.
    for (let i = 0; i < 7; i++) {
      writer.recordCall(event({ orgId: people.ada.orgId, connectionId: connection.id, callerId: people.ada.id, path: `/${i}` }));
    }
    await writer.flush();
    expect(written).toEqual([3, 2]);
    expect(lost).toBe(2);
    expect(writer.dropped).toBe(2);
    expect(seconds.every((s) => s > 0 && s < 60)).toBe(true);
    const stored = await db.select({ path: callLog.path }).from(callLog).where(eq(callLog.connectionId, connection.id));
    expect(stored.map((r) => r.path).sort()).toEqual(["/0", "/1", "/2", "/3", "/4"]);
  });

  it("writes a full batch at once, without waiting for the timer", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "github", linkName: `batch_${kind}` });
    const writer = createCallLogWriter(database, { flushMs: 60_000, batchSize: 4 });
    for (let i = 0; i < 4; i++) {
      writer.recordCall(event({ orgId: people.ada.orgId, connectionId: connection.id, callerId: people.ada.id }));
    }
    await expect
      .poll(async () => (await db.select().from(callLog).where(eq(callLog.connectionId, connection.id))).length)
      .toBe(4);
  });

  it("keeps the rest of a batch when one connection was deleted before the flush", async () => {
    const { db } = database;
    const kept = await addConnection(db, people.ada, { service: "github", linkName: `kept_${kind}` });
    const gone = await addConnection(db, people.ada, { service: "github", linkName: `gone_${kind}` });
    let stored = 0;
    let lost = 0;
    const writer = createCallLogWriter(database, {
      flushMs: 60_000,
      observer: { written: (rows) => (stored += rows), dropped: (rows) => (lost += rows) },
    });
    const ada = { orgId: people.ada.orgId, callerId: people.ada.id };
    writer.recordCall(event({ ...ada, connectionId: kept.id, path: "/kept" }));
    writer.recordCall(event({ ...ada, connectionId: gone.id, path: "/gone" }));
    await db.delete(connections).where(eq(connections.id, gone.id));
    await writer.flush();
    const rows = await db.select({ path: callLog.path }).from(callLog).where(eq(callLog.connectionId, kept.id));
    expect(rows.map((r) => r.path)).toEqual(["/kept"]);
    // The metrics count what was stored; the deleted connection's call is neither stored nor lost.
    expect({ stored, lost }).toEqual({ stored: 1, lost: 0 });
  });

  it("takes the calls of a deleted connection or organization with it, and forgets a deleted caller (triggers, no foreign keys)", async () => {
    const { db } = database;
    const [org] = await db
      .insert(organizations)
      .values({ name: `Short-lived ${kind}` })
      .returning();
    const [owner, caller] = await db
      .insert(users)
      .values([
        { orgId: org.id, email: `owner-${kind}@short.test`, name: "Owner", passwordHash: "x", role: "admin" },
        { orgId: org.id, email: `caller-${kind}@short.test`, name: "Caller", passwordHash: "x" },
      ])
      .returning();
    const ownerActor = { ...people.ada, id: owner.id, orgId: org.id };
    const first = await addConnection(db, ownerActor, { service: "github", linkName: `first_${kind}`, access: "organization" });
    const second = await addConnection(db, ownerActor, { service: "github", linkName: `second_${kind}`, access: "organization" });
    const writer = createCallLogWriter(database, { flushMs: 60_000 });
    const call = (connectionId: string, callerId: string, path: string) =>
      writer.recordCall(event({ orgId: org.id, connectionId, callerId, path }));
    call(first.id, owner.id, "/first-owner");
    call(first.id, caller.id, "/first-caller");
    call(second.id, caller.id, "/second-caller");
    await writer.flush();
    const rows = async () =>
      (await db.select({ path: callLog.path, callerId: callLog.callerId }).from(callLog).where(eq(callLog.orgId, org.id))).sort(
        (a, b) => a.path.localeCompare(b.path),
      );
    expect(await rows()).toHaveLength(3);

    await db.delete(connections).where(eq(connections.id, first.id));
    expect((await rows()).map((r) => r.path)).toEqual(["/second-caller"]);

    await db.delete(users).where(eq(users.id, caller.id));
    call(second.id, caller.id, "/second-after-caller-left"); // recorded before, written after the caller's deletion
    await writer.flush();
    expect(await rows()).toEqual([
      { path: "/second-after-caller-left", callerId: null },
      { path: "/second-caller", callerId: null },
    ]);

    await db.delete(organizations).where(eq(organizations.id, org.id));
    expect(await rows()).toEqual([]);
  });

  it("stops recording once stopped", async () => {
    const { db } = database;
    const connection = await addConnection(db, people.ada, { service: "github", linkName: `stopped_${kind}` });
    const stopNow = startCallLog(database, { flushMs: 20 });
    await stopNow();
    emitCall(event({ orgId: people.ada.orgId, connectionId: connection.id, callerId: people.ada.id }));
    const writer = startCallLog(database, { flushMs: 20 });
    await writer();
    expect(await db.select().from(callLog).where(eq(callLog.connectionId, connection.id))).toHaveLength(0);
  });
});
