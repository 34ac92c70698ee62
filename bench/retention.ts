/**
 * `npm run bench:retention`: how long the hourly retention job (lib/jobs/call-log-retention.ts)
 * takes on PGlite, and how long it holds the app's thread meanwhile (docs/architecture.md
 * "Retention"). PGlite runs on a thread of its own (docs/architecture.md "PGlite's own thread"):
 * the wall times are the database thread's work, the holds what the app's event loop sees.
 *
 * A migrated PGlite data directory gets a steady state: BENCH_ROWS (default 1,000,000) calls
 * spread over CONNECTIONS_CALL_LOG_DAYS (14), written oldest first as the writer writes them.
 * Then BENCH_HOURS (default 12) hours pass: each adds an hour's calls and runs the job as the
 * scheduler does, the purge (an hour of calls past the retention) and the VACUUM that stands in
 * for autovacuum. For each run it prints the rows purged, the wall time of the purge and of the
 * VACUUM, and the longest the event loop was held (perf_hooks' monitorEventLoopDelay): the
 * longest pause a call through the data plane would see. The first run after the bulk load is
 * a warm-up (its VACUUM sets the hint bits and visibility map of every page just written) and is
 * printed apart. Last, a backlog: the retention lowered by a day, so a day of calls goes in one
 * run (as after a day with the jobs stopped).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { CALL_COLUMNS, callLogCopy } from "@/lib/calls/call-log-writer";
import { purgeCallLog } from "@/lib/jobs/call-log-retention";
import type { CallEvent } from "@/lib/observe/events";
import { addConnection, seedPeople, setupTestEnv } from "@/test/harness";
import { exitOnError, withMigratedPglite } from "./pglite-dir";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const HOURS = Number(process.env.BENCH_HOURS ?? 12);
const DAYS = 14;
const HOUR = 3_600_000;
const PER_HOUR = Math.round(ROWS / (DAYS * 24));
const COPY_BATCH = 5_000;

type Stall = { wallMs: number; maxStallMs: number };

/** Runs `work`, timing it and the longest the event loop could not turn meanwhile. */
async function held(work: () => Promise<unknown>): Promise<Stall> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // The monitor measures from its first tick: a block before it would go unseen.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  await work();
  // One more turn, so that the monitor's timer sees the last block.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  return { wallMs: performance.now() - started - 20, maxStallMs: delay.max / 1e6 };
}

function report(label: string, purged: number, purge: Stall, vacuum: Stall): void {
  console.log(
    `${label.padEnd(16)} purged ${String(purged).padStart(6)} rows: purge ${purge.wallMs.toFixed(0).padStart(5)} ms ` +
      `(longest hold ${purge.maxStallMs.toFixed(0).padStart(4)} ms), VACUUM ${vacuum.wallMs.toFixed(0).padStart(5)} ms ` +
      `(longest hold ${vacuum.maxStallMs.toFixed(0).padStart(4)} ms)`,
  );
}

async function main() {
  setupTestEnv({ env: { CONNECTIONS_CALL_LOG_DAYS: String(DAYS) } });
  await withMigratedPglite("retention", async (handle, pg) => {
    const db = handle.db;
    const people = await seedPeople(db);
    const connections = await Promise.all(
      Array.from({ length: 20 }, (_, i) => addConnection(db, people.ada, { service: "github", linkName: `bench_${i}` })),
    );
    let sequence = 0;
    const call = (at: Date): CallEvent => {
      const i = sequence++;
      return {
        at,
        orgId: people.ada.orgId,
        connectionId: connections[i % connections.length].id,
        service: "github",
        callerId: people.ada.id,
        credentialUserId: people.ada.id,
        method: "GET",
        host: "api.github.com",
        path: `/repos/acme/app/issues/${i}?page=2`,
        status: i % 20 === 0 ? 502 : 200,
        errorCode: null,
        appMs: 1,
        upstreamMs: 40,
        responseBytes: 2_048,
      };
    };
    const copy = `copy call_log (${CALL_COLUMNS.join(", ")}) from '/dev/blob' with (format binary)`;
    /** `count` calls evenly over [from, to), oldest first. */
    const write = async (count: number, from: number, to: number) => {
      for (let done = 0; done < count; done += COPY_BATCH) {
        const n = Math.min(COPY_BATCH, count - done);
        const events = Array.from({ length: n }, (_, k) => call(new Date(from + ((to - from) * (done + k)) / count)));
        await pg.query(copy, [], { blob: new Blob([callLogCopy(events)]) });
      }
    };

    let now = Date.now();
    const loadStarted = performance.now();
    await write(ROWS, now - DAYS * 24 * HOUR, now);
    console.log(
      `node ${process.version}; PGlite data directory with ${ROWS.toLocaleString("en")} calls over ${DAYS} days ` +
        `(${PER_HOUR.toLocaleString("en")} an hour), written in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s\n`,
    );

    for (let hour = 0; hour <= HOURS; hour += 1) {
      await write(PER_HOUR, now, now + HOUR);
      now += HOUR;
      let purged = 0;
      const purge = await held(async () => {
        purged = await purgeCallLog(db, { now: new Date(now) });
      });
      const vacuum = await held(() => db.execute(sql`vacuum`));
      const label = hour === 0 ? "warm-up" : `hour ${String(hour).padStart(2)}`;
      report(label, purged, purge, vacuum);
    }
    // A backlog: the retention lowered by a day (or the job stopped for one) leaves a day of calls to go at once.
    let purged = 0;
    const purge = await held(async () => {
      purged = await purgeCallLog(db, { now: new Date(now), days: DAYS - 1 });
    });
    report("a day's backlog", purged, purge, await held(() => db.execute(sql`vacuum`)));
  });
}

main().catch(exitOnError);
