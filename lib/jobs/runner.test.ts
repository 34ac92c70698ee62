/**
 * The job runner: on PGlite the in-process scheduler, on Postgres pg-boss. Both run an
 * enqueued job, retry a failing one with backoff until it succeeds, give up after the retry
 * limit, and run periodic jobs by themselves. Time is shrunk for the in-process scheduler
 * (msPerSecond); pg-boss's own delays are whole seconds, so its retry test waits ~1–3 s.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { executedRows as rows } from "@/db/client";
import type { Db } from "@/db";
import { createTestDatabase, setupTestEnv, type TestDatabase } from "@/test/harness";
import { createInProcessRunner } from "./in-process";
import { createPgBossRunner } from "./pg-boss";
import { backoffSeconds, cronEvery, describeFailure, storableFailure, type JobDefinition, type JobRunner } from "./runner";

beforeAll(() => {
  setupTestEnv();
});

/** Resolves when `predicate` holds, polling; the test's own timeout bounds it. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A job that fails its first `failures` attempts, recording each attempt's payload and time. */
function flaky(name: string, failures: number, limit: number) {
  const attempts: Array<{ at: number; payload: Record<string, unknown> }> = [];
  const done: Array<Record<string, unknown>> = [];
  const job: JobDefinition = {
    name,
    retry: { limit, delaySeconds: 1 },
    async run(_db: Db, payload) {
      attempts.push({ at: Date.now(), payload });
      if (attempts.length <= failures) throw new Error(`attempt ${attempts.length} fails`);
      done.push(payload);
    },
  };
  return { job, attempts, done };
}

describe("backoff", () => {
  it("doubles the delay after each failure", () => {
    const policy = { limit: 5, delaySeconds: 10 };
    expect([1, 2, 3, 4].map((n) => backoffSeconds(policy, n))).toEqual([10, 20, 40, 80]);
  });
  it("writes periodic schedules as cron", () => {
    expect(cronEvery(5)).toBe("*/5 * * * *");
    expect(cronEvery(60)).toBe("0 */1 * * *");
    expect(cronEvery(24 * 60)).toBe("0 0 */1 * *");
    expect(() => cronEvery(0)).toThrow();
  });
});

describe("in-process scheduler (PGlite)", () => {
  let database: TestDatabase;
  let runner: JobRunner | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase("pglite", { migrate: false });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("retries a failing job with growing delays until it succeeds", async () => {
    const { job, attempts, done } = flaky("flaky", 2, 5);
    runner = createInProcessRunner(database.db, [job], { msPerSecond: 40, onError: (line) => errors.push(line) });
    await runner.start();
    await runner.enqueue("flaky", { deliveryId: "d1" });
    await until(() => done.length === 1);
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.payload.deliveryId === "d1")).toBe(true);
    // Lower bounds only (a timer never fires early): 1 × delay, then 2 × delay.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(40 - 2);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(80 - 2);
    expect(errors.filter((line) => line.includes("job flaky failed"))).toHaveLength(2);
  });

  it("gives up after the retry limit", async () => {
    const { job, attempts, done } = flaky("hopeless", 10, 2);
    runner = createInProcessRunner(database.db, [job], { msPerSecond: 5, onError: () => undefined });
    await runner.start();
    await runner.enqueue("hopeless", {});
    await until(() => attempts.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100)); // 2.5× the last backoff: no fourth attempt comes
    expect(attempts).toHaveLength(3);
    expect(done).toHaveLength(0);
  });

  it("runs periodic jobs by themselves, one run at a time, and stops cleanly", async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const job: JobDefinition = {
      name: "tick",
      everyMinutes: 1,
      async run() {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 30));
        runs += 1;
        concurrent -= 1;
      },
    };
    runner = createInProcessRunner(database.db, [job], { msPerMinute: 10 });
    await runner.start();
    await until(() => runs >= 3);
    await runner.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(stoppedAt);
    expect(maxConcurrent).toBe(1);
    await expect(runner.enqueue("nope", {})).rejects.toThrow(/No job named nope/);
  });
});

describe.runIf(process.env.DATABASE_URL)("pg-boss (Postgres)", () => {
  let database: TestDatabase;
  let runner: JobRunner | undefined;
  beforeAll(async () => {
    database = await createTestDatabase("postgres", { migrate: false });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("runs an enqueued job and retries a failing one with backoff until it succeeds", async () => {
    if (database.target.kind !== "postgres") throw new Error("unreachable");
    const ok = flaky("once", 0, 0);
    const retried = flaky("retried", 1, 3);
    runner = createPgBossRunner(database.db, [ok.job, retried.job], {
      connectionString: database.target.url,
      pollingIntervalSeconds: 0.5,
      onError: () => undefined,
    });
    await runner.start();
    await runner.enqueue("once", { n: 1 });
    await runner.enqueue("retried", { n: 2 });
    await until(() => ok.done.length === 1 && retried.done.length === 1);
    expect(ok.attempts).toHaveLength(1);
    expect(retried.attempts).toHaveLength(2);
    expect(retried.done[0]).toEqual({ n: 2 });
    // pg-boss waited at least the retry delay (1 s) before the second attempt.
    expect(retried.attempts[1].at - retried.attempts[0].at).toBeGreaterThanOrEqual(900);
  }, 20_000);
});

describe("a failed run, as the log and pg-boss tell it", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.drop();
  });

  it("names a failed statement by its SQLSTATE and constraint, never by its parameters", async () => {
    const secret = "sealed-secret-value-7d1f";
    const [org] = rows<{ id: string }>(
      await database.db.execute(sql`insert into organizations (name) values ('Org') returning id`),
    );
    const error = await database.db.execute(sql`insert into organizations (id, name) values (${org.id}, ${secret})`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as Error).message)).toContain(secret); // drizzle's own message carries it

    const line = describeFailure("keep-alive", error);
    expect(line).toBe(
      "[connections] job keep-alive failed: a database statement failed (SQLSTATE 23505, constraint organizations_pkey)",
    );
    const stored = storableFailure(error);
    expect(`${stored.message} ${stored.stack}`).not.toContain(secret);
    expect(`${stored.message} ${stored.stack}`).not.toContain(org.id);

    // The database's own error, as postgres.js or PGlite's thread gives it: its message may quote a value.
    const raw = Object.assign(new Error(`invalid input syntax for type uuid: "${secret}"`), { code: "22P02", severity: "ERROR" });
    expect(describeFailure("keep-alive", raw)).toBe(
      "[connections] job keep-alive failed: a database statement failed (SQLSTATE 22P02)",
    );
    expect(storableFailure(raw).message).not.toContain(secret);

    // Any other error keeps its message: it is the app's own.
    const own = new Error("the token endpoint answered 503");
    expect(describeFailure("keep-alive", own)).toBe("[connections] job keep-alive failed: the token endpoint answered 503");
    expect(storableFailure(own)).toBe(own);
  });
});
