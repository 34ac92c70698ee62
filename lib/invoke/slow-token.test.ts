/**
 * A slow token endpoint does not slow anyone else (docs/architecture.md "Refresh"): the
 * renewal holds a lease on the credential row, not a database connection or transaction,
 * while the token endpoint takes 14 s. Meanwhile 64 clients call other connections, with the
 * engine's call-target cache off so that every one of their calls reads the database: they all
 * finish while the renewal is still waiting, their p99 stays within 2× of the same run without
 * the slow renewal, and (on Postgres) no session of the app is left in a transaction or holds a lock.
 *
 * Each side is the quietest of a few rounds: a renewal that held a connection or a lock would slow
 * every round while it waits, whereas another test file's burst on this shared machine slows one.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startTestServer, type TestServer } from "@/test/peers/test-server";
import { createInvokeEngine, type InvokeEngine, type InvokeResult } from "./invoke";
import {
  addConnection,
  addCredential,
  apiKeyEntry,
  createTestDatabase,
  databaseKinds,
  oauth2Entry,
  seedPeople,
  setOrgClient,
  setupTestEnv,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";

const SLOW_MS = 14_000;
const CLIENTS = 64;
/** Fewer on PGlite, which answers one query at a time: a run must end well inside the 14 s. */
const CALLS_PER_CLIENT = { pglite: 3, postgres: 12 } as const;
const FAST_CONNECTIONS = 8;
const ROUNDS = 3;

let echo: EchoApi;
let tokenEndpoint: TestServer;
let tokenRequested: () => void = () => {};
let tokenRequestArrived = new Promise<void>((resolve) => (tokenRequested = resolve));

beforeAll(async () => {
  echo = await startEchoApi();
  tokenEndpoint = await startTestServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    tokenRequested();
    const timer = setTimeout(() => {
      const body = JSON.stringify({ access_token: "slowly-issued-token", token_type: "Bearer", expires_in: 3600 });
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    }, SLOW_MS);
    response.once("close", () => clearTimeout(timer));
  });
  setupTestEnv({
    extraEntries: [
      oauth2Entry({ linkName: "t_slow_token", baseUrl: echo.url, tokenUrl: `${tokenEndpoint.url}/token` }),
      apiKeyEntry({ linkName: "t_fast_key", baseUrl: echo.url, params: [{ name: "x-api-key", paramType: "header" }] }),
    ],
  });
});

afterAll(async () => {
  await tokenEndpoint?.close();
  await echo?.close();
});

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

describe.each(databaseKinds)("a 14 s token endpoint beside 64 busy clients (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  let engine: InvokeEngine;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    await setOrgClient(database.db, people.ada.orgId, "t_slow_token", "slow-client", "slow-client-secret-81d2");
    for (let i = 0; i < FAST_CONNECTIONS; i += 1) {
      const c = await addConnection(database.db, people.ada, { service: "t_fast_key", linkName: `fast_${i}` });
      await addCredential(database.db, people.ada, c.id, { type: "api_key", values: { "x-api-key": `fast-key-${i}` } });
    }
    const slow = await addConnection(database.db, people.ada, { service: "t_slow_token", linkName: "slow" });
    await addCredential(
      database.db,
      people.ada,
      slow.id,
      { type: "oauth2", accessToken: "expired-token", refreshToken: "a-refresh-token", tokenType: "bearer" },
      { expiresAt: new Date(Date.now() - 1_000) },
    );
    engine = createInvokeEngine({ cacheTtlMs: 0, tokenTimeoutMs: SLOW_MS + 10_000 });
    tokenRequestArrived = new Promise<void>((resolve) => (tokenRequested = resolve));
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  const status = (r: InvokeResult) => (r.kind === "upstream" ? r.status : r.detailed.responseCode);

  async function busyClients(): Promise<number[]> {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = 0; i < CALLS_PER_CLIENT[kind]; i += 1) {
          const started = performance.now();
          const result = await engine.invoke(database.db, people.ada, {
            connection: `fast_${(client + i) % FAST_CONNECTIONS}`,
            url: `${echo.url}/fast`,
          });
          latencies.push(performance.now() - started);
          expect(status(result)).toBe(200);
        }
      }),
    );
    return latencies;
  }

  async function quietestP99(): Promise<number> {
    let quietest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round += 1) quietest = Math.min(quietest, p99(await busyClients()));
    return quietest;
  }

  it("others' calls go on at their usual pace, and no database session is held meanwhile", async () => {
    await busyClients(); // warm up connections and JIT
    const without = await quietestP99();

    let slowDone = false;
    // Settled at once into a value, so that a failed assertion below leaves no unhandled rejection
    // behind when the database closes under the still-waiting renewal.
    const slowCall = engine
      .invoke(database.db, people.ada, { connection: "slow", url: `${echo.url}/slow-one` })
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      .finally(() => {
        slowDone = true;
      });
    await tokenRequestArrived;
    const withSlow = await quietestP99();
    expect(slowDone).toBe(false); // every busy call finished while the renewal was still waiting

    if (database.target.kind === "postgres") {
      const observer = postgres(database.target.url, { max: 1, onnotice: () => {} });
      try {
        const sessions = await observer<{ state: string | null }[]>`
          select state from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
        expect(sessions.filter((s) => s.state !== "idle")).toEqual([]);
        const locks = await observer<{ n: number }[]>`
          select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where a.datname = current_database() and l.pid <> pg_backend_pid() and l.locktype in ('advisory', 'transactionid')`;
        expect(locks[0].n).toBe(0);
      } finally {
        await observer.end();
      }
    }

    expect(withSlow).toBeLessThanOrEqual(2 * Math.max(without, 50));
    const slow = await slowCall;
    if (!slow.ok) throw slow.error;
    expect(status(slow.result)).toBe(200);
    expect(echo.requests.filter((r) => r.path === "/slow-one").at(-1)?.headers.authorization).toBe("Bearer slowly-issued-token");
    console.info(
      `[slow token, ${kind}] p99 of the busy clients: ${without.toFixed(1)} ms without, ${withSlow.toFixed(1)} ms with`,
    );
  }, 60_000);
});
