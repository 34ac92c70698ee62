import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALL_COLUMNS, callLogCopy } from "@/lib/calls/call-log-writer";
import { executedRows, migrateDatabase, openDatabase, pgliteStartParams, type DatabaseHandle } from "./client";
import { isUniqueViolation } from "./errors";
import { PgliteThread } from "./pglite-thread";
import { callLog, organizations } from "./schema";

/**
 * PGlite on a data directory runs on a thread of its own (docs/architecture.md "PGlite's own
 * thread"): the app's statements, transactions and the call log's COPY reach it as they reached
 * PGlite in the app's thread, and its work no longer holds the app's event loop.
 */
describe("PGlite on its own thread", () => {
  let dir: string;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-pglite-thread-"));
    const target = { kind: "pglite" as const, dataDir: path.join(dir, "data") };
    handle = await openDatabase(target);
    await migrateDatabase(target, handle);
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const organization = async (name: string) => (await handle.db.insert(organizations).values({ name }).returning())[0];

  it("answers drizzle's queries with the values PGlite gives in the app's thread", async () => {
    const created = await organization("Thread Org");
    expect(created.createdAt).toBeInstanceOf(Date);
    const [read] = await handle.db.select().from(organizations).where(eq(organizations.id, created.id));
    expect(read).toEqual(created);
    const raw = executedRows<{ n: number; at: string; j: { a: number[] }; b: Uint8Array }>(
      await handle.db.execute(sql`select 41 + 1 as n, now() as at, '{"a":[1,2]}'::jsonb as j, '\\x0102'::bytea as b`),
    );
    expect(raw[0].n).toBe(42);
    expect(typeof raw[0].at).toBe("string"); // drizzle keeps timestamps as text, as on the app's thread
    expect(raw[0].j).toEqual({ a: [1, 2] });
    expect([...raw[0].b]).toEqual([1, 2]);
  });

  it("rebuilds the database's errors with their SQLSTATE, and without the statement's parameters", async () => {
    const org = await organization("Unique Org");
    const secret = "s3cr3t-parameter-value";
    const error = await handle.db.execute(sql`insert into organizations (id, name) values (${org.id}, ${secret})`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    const cause = (error as { cause?: Error }).cause;
    expect(cause).toBeInstanceOf(Error);
    expect(JSON.stringify({ ...cause, message: cause?.message })).not.toContain(secret);
  });

  it("commits a transaction that ends well, rolls back one that throws and a savepoint that throws", async () => {
    const kept = await handle.db.transaction(
      async (tx) => (await tx.insert(organizations).values({ name: "Kept" }).returning())[0],
    );
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(organizations).values({ name: "Rolled back" });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await handle.db.transaction(async (tx) => {
      await tx.insert(organizations).values({ name: "Outer" });
      await tx
        .transaction(async (inner) => {
          await inner.insert(organizations).values({ name: "Inner" });
          inner.rollback();
        })
        .catch(() => undefined);
    });
    const names = (await handle.db.select({ name: organizations.name }).from(organizations)).map((o) => o.name);
    expect(names).toContain(kept.name);
    expect(names).toContain("Outer");
    expect(names).not.toContain("Rolled back");
    expect(names).not.toContain("Inner");
  });

  it("lets nothing else reach the database while a transaction is open", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = handle.db.transaction(async (tx) => {
      await tx.insert(organizations).values({ name: "Inside" });
      order.push("inside wrote");
      await held;
      order.push("inside ends");
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = handle.db
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.name, "Inside"))
      .then((rows) => order.push(`outside read ${rows.length}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([transaction, outside]);
    expect(order).toEqual(["inside wrote", "inside ends", "outside read 1"]);
  });

  it("loads the call log's binary COPY in a transaction (the writer's bulk load)", async () => {
    const org = await organization("Copy Org");
    const event = {
      at: new Date("2026-12-06T10:00:00Z"),
      orgId: org.id,
      connectionId: "7f3b4c8e-0d6a-4d5e-9b1a-2c3d4e5f6a7b",
      service: "example",
      callerId: null as unknown as string,
      credentialUserId: null,
      method: "GET",
      host: "api.example.com",
      path: "/v1/items",
      status: 200,
      errorCode: null,
      appMs: 1,
      upstreamMs: 2,
      responseBytes: 3,
    };
    await handle.bulk!.transaction((tx) =>
      tx.copyFrom("call_log", CALL_COLUMNS, callLogCopy([event, { ...event, status: 503 }])),
    );
    const rows = await handle.db
      .select({ status: callLog.status, path: callLog.path })
      .from(callLog)
      .where(eq(callLog.orgId, org.id));
    expect(rows.map((r) => r.status).sort()).toEqual([200, 503]);
  });

  it("leaves the app's event loop free while a long statement runs", async () => {
    let turns = 0;
    const timer = setInterval(() => (turns += 1), 1);
    const started = performance.now();
    try {
      await handle.db.execute(sql`select count(*) from generate_series(1, 3000000)`);
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    // On the app's own thread the statement would run in one piece and the timer could not fire
    // at all while it ran; here it fires throughout.
    expect(took).toBeGreaterThan(20);
    expect(turns).toBeGreaterThan(5);
  });

  it("refuses a parser that would change the values: functions cannot cross to the thread", async () => {
    const client = (handle.db as unknown as { $client: PgliteThread }).$client;
    await expect(client.query("select 1", [], { parsers: { 1184: (value) => new Date(value) } })).rejects.toThrow(
      /must keep the text/,
    );
  });

  it("fails to open, rather than waiting, when the directory cannot hold a database", async () => {
    const file = path.join(dir, "not-a-directory");
    fs.writeFileSync(file, "");
    await expect(PgliteThread.open(file, pgliteStartParams())).rejects.toThrow();
  });

  it("fails a statement whose parameter cannot cross to the thread, and only that one", async () => {
    const client = (handle.db as unknown as { $client: PgliteThread }).$client;
    await expect(client.query("select $1::text as x", [() => "not a value"])).rejects.toThrow(/could not be sent/);
    expect((await client.query<{ x: string }>("select $1::text as x", ["fine"])).rows).toEqual([{ x: "fine" }]);
  });

  it("tells of a thread that stops by itself, and fails the statements waiting and those after", async () => {
    const stopped: Error[] = [];
    const other = await PgliteThread.open(path.join(dir, "data-3"), pgliteStartParams(), {
      onStopped: (reason) => stopped.push(reason),
    });
    const waiting = other.query("select count(*) from generate_series(1, 20000000)");
    // The thread dies under the statement (as on a crash of PGlite's WebAssembly).
    await (other as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(waiting).rejects.toThrow(/stopped/);
    await expect(other.query("select 1")).rejects.toThrow(/stopped/);
    expect(stopped.map((e) => e.message)).toEqual([expect.stringMatching(/the database thread has stopped/)]);
    await other.close(); // after a stop: nothing to wait for, and no second report
    expect(stopped).toHaveLength(1);
  }, 60_000);

  it("lets a transaction open at close() go on and commit, and starts nothing new meanwhile", async () => {
    const other = await PgliteThread.open(path.join(dir, "data-4"), pgliteStartParams());
    await other.query("create table t (n int)");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = other.transaction(async (tx) => {
      await tx.query("insert into t values (1)");
      await held;
      await tx.query("insert into t values (2)"); // after close() was called
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = other.close();
    await expect(other.query("select 1")).rejects.toThrow(/closed/);
    release();
    await transaction;
    await closed;

    const again = await PgliteThread.open(path.join(dir, "data-4"), pgliteStartParams());
    try {
      expect((await again.query<{ n: number }>("select n from t order by n")).rows).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await again.close();
    }
  }, 60_000);

  it("fails every later statement once closed, instead of waiting for an answer", async () => {
    const other = await PgliteThread.open(path.join(dir, "data-2"), pgliteStartParams());
    expect((await other.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await other.close();
    await expect(other.query("select 1")).rejects.toThrow(/closed/);
  }, 60_000);
});
