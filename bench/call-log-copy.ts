/**
 * `npm run bench:call-log`: what one call-log row costs to store in PGlite, by the two COPY
 * formats, in one run (docs/architecture.md "Call log"):
 *   binary — the writer's way: callLogCopy (lib/calls/call-log-writer.ts), sent as db/client.ts's
 *            BulkLoad sends it;
 *   text   — the reference: the same rows in COPY's text format (escaped here, as the writer
 *            did before it wrote the binary format).
 * A migrated PGlite data directory (the real table and its indexes), 500-row batches as the
 * writer writes them, rounds alternating so that the machine's drift falls on both. Prints
 * the process's CPU time per row (both threads: PGlite runs on its own, docs/architecture.md
 * "PGlite's own thread"), the main thread's share of it (its event loop's busy time: building
 * the events and encoding them, as the app's serving thread does) and the wall time per row. BENCH_ROWS (default 50,000) rows per
 * round, BENCH_ROUNDS (default 4) rounds of each.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { PgliteClient } from "@/db/pglite-thread";
import { CALL_COLUMNS, callLogCopy } from "@/lib/calls/call-log-writer";
import type { CallEvent } from "@/lib/observe/events";
import { exitOnError, withMigratedPglite } from "./pglite-dir";

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BATCH = 500;
const orgId = randomUUID();
const connectionIds = Array.from({ length: 20 }, () => randomUUID());
const userIds = Array.from({ length: 5 }, () => randomUUID());
let sequence = 0;

function event(): CallEvent {
  const i = sequence++;
  return {
    at: new Date(),
    orgId,
    connectionId: connectionIds[i % connectionIds.length],
    service: "bench",
    callerId: userIds[(i + 1) % userIds.length],
    credentialUserId: userIds[i % userIds.length],
    method: "GET",
    host: "api.example.com",
    path: `/v1/items/${i}?page=…`,
    status: i % 10 === 0 ? null : 200,
    errorCode: i % 10 === 0 ? "upstream_unreachable" : null,
    appMs: 1,
    upstreamMs: i % 10 === 0 ? null : 2,
    responseBytes: 120,
  };
}

const escapeText = (value: string | null) =>
  value === null
    ? "\\N"
    : value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
const number = (value: number | null) => (value === null ? "\\N" : String(value));

function text(events: CallEvent[]): string {
  let out = "";
  for (const e of events) {
    out += `${e.orgId}\t${e.connectionId}\t${e.credentialUserId ?? "\\N"}\t${e.callerId}\t${escapeText(e.method)}\t`;
    out += `${escapeText(e.host)}\t${escapeText(e.path)}\t${number(e.status)}\t${escapeText(e.errorCode)}\t${e.appMs}\t`;
    out += `${number(e.upstreamMs)}\t${e.responseBytes}\t${e.at.toISOString()}\n`;
  }
  return out;
}

async function round(pg: PgliteClient, format: "binary" | "text"): Promise<{ cpuUs: number; mainUs: number; wallUs: number }> {
  const copy = `copy call_log (${CALL_COLUMNS.join(", ")}) from '/dev/blob'${format === "binary" ? " with (format binary)" : ""}`;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  for (let done = 0; done < ROWS; done += BATCH) {
    const events = Array.from({ length: BATCH }, event);
    await pg.transaction(async (tx) => {
      await tx.query(copy, [], { blob: new Blob([format === "binary" ? callLogCopy(events) : text(events)]) });
    });
  }
  const used = process.cpuUsage(cpu);
  const main = performance.eventLoopUtilization(loop);
  return {
    cpuUs: (used.user + used.system) / ROWS,
    mainUs: (main.active * 1000) / ROWS,
    wallUs: ((performance.now() - started) * 1000) / ROWS,
  };
}

async function main() {
  await withMigratedPglite("call-log", async (_handle, client) => {
    console.log(`node ${process.version}; ${ROWS} rows per round in ${BATCH}-row batches into a PGlite data directory\n`);
    for (let i = 1; i <= ROUNDS; i += 1) {
      for (const format of ["text", "binary"] as const) {
        const r = await round(client, format);
        console.log(
          `round ${i} ${format.padEnd(7)} ${r.cpuUs.toFixed(1).padStart(6)} µs CPU/row (main thread ${r.mainUs.toFixed(1).padStart(5)}) ${r.wallUs.toFixed(1).padStart(6)} µs wall/row`,
        );
      }
    }
  });
}

main().catch(exitOnError);
