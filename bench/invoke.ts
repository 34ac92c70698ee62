/**
 * `npm run bench:invoke`: throughput and latency of calls through a connection, side by side
 * with the two references that bound them, in one run on this machine:
 *   (a) straight to a loopback upstream,
 *   (b) through a minimal Node forwarding proxy that only adds the auth header (the floor
 *       for doing this job in Node),
 *   (c) through POST /api/v1/invoke of a production build, with an API-key connection and
 *       with an OAuth 2 connection (token decrypted and injected on every call).
 * At 1 and 64 concurrent clients. Needs Postgres: DATABASE_URL, else the local default.
 * BENCH_SECONDS (default 8) sets each run's length; BENCH_SKIP_BUILD=1 reuses .next.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3290);
const UPSTREAM_TOKEN = "bench-access-token";
const API_KEY = "bench-api-key";

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** The API: answers a small JSON document, 401 without one of the two credentials. */
function startUpstream(): Promise<{ url: string; server: http.Server }> {
  const body = JSON.stringify({ ok: true, items: [1, 2, 3], note: "bench upstream" });
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization;
    const ok = auth === `Bearer ${UPSTREAM_TOKEN}` || req.headers["x-api-key"] === API_KEY;
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(ok ? body : "");
  });
  server.keepAliveTimeout = 60_000;
  return listen(server).then((port) => ({ url: `http://127.0.0.1:${port}`, server }));
}

/** Reference (b): forwards each request to the upstream, adding the auth header, streaming the answer back. */
function startProxy(upstreamUrl: string): Promise<{ url: string; server: http.Server }> {
  const target = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        agent,
        headers: { ...req.headers, host: target.host, authorization: `Bearer ${UPSTREAM_TOKEN}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  return listen(server).then((port) => ({ url: `http://127.0.0.1:${port}`, server }));
}

type Row = { target: string; clients: number; rps: number; p50: number; p99: number; mean: number; errors: number };

async function measure(target: string, clients: number, opts: autocannon.Options): Promise<Row> {
  await autocannon({ ...opts, connections: clients, duration: 2 }); // warm-up
  const r = await autocannon({ ...opts, connections: clients, duration: SECONDS });
  return {
    target,
    clients,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    errors: r.errors + r.non2xx,
  };
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error("the app exited during start-up");
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app did not answer at ${url}`);
}

async function main() {
  const dbName = `connections_bench_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-bench-"));
  const upstream = await startUpstream();
  const proxy = await startProxy(upstream.url);
  const catalogFile = path.join(dataDir, "catalog.json");
  fs.writeFileSync(
    catalogFile,
    JSON.stringify([
      {
        name: "Bench Key",
        linkName: "bench_key",
        category: "Developer",
        description: "bench upstream, API key",
        icon: "KeyRound",
        authType: "api_key",
        docsUrl: "https://example.com/docs",
        api: { baseUrl: upstream.url, allowedHosts: ["127.0.0.1"] },
        apiKey: { params: [{ name: "x-api-key", displayName: "API key", paramType: "header" }] },
      },
      {
        name: "Bench OAuth",
        linkName: "bench_oauth",
        category: "Developer",
        description: "bench upstream, OAuth 2",
        icon: "KeyRound",
        authType: "oauth2",
        docsUrl: "https://example.com/docs",
        api: { baseUrl: upstream.url, allowedHosts: ["127.0.0.1"] },
        oauth2: {
          authorizeUrl: `${upstream.url}/authorize`,
          tokenUrl: `${upstream.url}/token`,
          scopes: [],
          pkce: true,
          tokenAuthMethod: "client_secret_basic",
        },
      },
    ]),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: dbUrl.toString(),
    APP_URL: `http://127.0.0.1:${APP_PORT}`,
    NEXTAUTH_URL: `http://127.0.0.1:${APP_PORT}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    CONNECTIONS_KEYS: JSON.stringify({ bench: randomBytes(32).toString("base64") }),
    CONNECTIONS_ACTIVE_KEY: "bench",
    CONNECTIONS_DATA_DIR: dataDir,
    CONNECTIONS_CATALOG_FILE: catalogFile,
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  Object.assign(process.env, env);

  // Seed through the app's own code: connections, sealed credentials, a personal access token.
  const { getDb } = await import("@/db");
  const { loadActor, findUserByEmail } = await import("@/lib/auth/users");
  const { createAccessToken } = await import("@/lib/auth/access-tokens");
  const { createConnection } = await import("@/lib/connections/create-connection");
  const { storeCredential } = await import("@/lib/credentials/credentials");
  const db = await getDb();
  const ada = (await loadActor(db, (await findUserByEmail(db, "ada@acme.test"))!.id))!;
  const keyConn = await createConnection(db, ada, {
    service: { kind: "catalog", linkName: "bench_key" },
    name: "Bench key",
    linkName: "bench_key_conn",
    scopes: [],
    scopeDelimiter: "comma",
    useLoginUserCredentials: false,
  });
  await storeCredential(db, {
    orgId: ada.orgId,
    connectionId: keyConn.id,
    userId: ada.id,
    payload: { type: "api_key", values: { "x-api-key": API_KEY } },
    grantedScopes: [],
  });
  const oauthConn = await createConnection(db, ada, {
    service: { kind: "catalog", linkName: "bench_oauth" },
    name: "Bench OAuth",
    linkName: "bench_oauth_conn",
    scopes: [],
    scopeDelimiter: "space",
    useLoginUserCredentials: false,
  });
  await storeCredential(db, {
    orgId: ada.orgId,
    connectionId: oauthConn.id,
    userId: ada.id,
    payload: { type: "oauth2", accessToken: UPSTREAM_TOKEN, refreshToken: "unused", tokenType: "bearer" },
    grantedScopes: [],
    expiresAt: new Date(Date.now() + 24 * 3600_000),
  });
  const { token } = await createAccessToken(db, ada, { name: "bench" });

  if (process.env.BENCH_SKIP_BUILD !== "1") {
    console.log("building the app (next build)…");
    const build = spawnSync("npx", ["next", "build"], { env, stdio: "ignore" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const app = spawn("npx", ["next", "start", "-p", String(APP_PORT), "-H", "127.0.0.1"], {
    env,
    stdio: "ignore",
    detached: true,
  });
  const rows: Row[] = [];
  try {
    await waitFor(`http://127.0.0.1:${APP_PORT}/sign-in`, app);
    const invoke = (connection: string): autocannon.Options => ({
      url: `http://127.0.0.1:${APP_PORT}/api/v1/invoke`,
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ connection, url: `${upstream.url}/items`, method: "GET" }),
    });
    const check = await fetch(`http://127.0.0.1:${APP_PORT}/api/v1/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ connection: "bench_oauth_conn", url: `${upstream.url}/items` }),
    });
    if (check.status !== 200) throw new Error(`invoke answered ${check.status}: ${await check.text()}`);
    for (const clients of [1, 64]) {
      rows.push(
        await measure("(a) upstream direct", clients, {
          url: `${upstream.url}/items`,
          headers: { authorization: `Bearer ${UPSTREAM_TOKEN}` },
        }),
      );
      rows.push(await measure("(b) Node forwarding proxy", clients, { url: `${proxy.url}/items` }));
      rows.push(await measure("(c) /api/v1/invoke, API key", clients, invoke("bench_key_conn")));
      rows.push(await measure("(c) /api/v1/invoke, OAuth 2", clients, invoke("bench_oauth_conn")));
    }
  } finally {
    try {
      process.kill(-app.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    upstream.server.close();
    proxy.server.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const fmt = (n: number, d = 2) => n.toFixed(d).padStart(9);
  console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${SECONDS} s per run; load generator on the same cores\n`);
  console.log("target                          clients    req/s   p50 ms   p99 ms  mean ms  errors");
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(32)}${String(r.clients).padStart(7)}${fmt(r.rps, 0)}${fmt(r.p50)}${fmt(r.p99)}${fmt(r.mean)}${String(r.errors).padStart(8)}`,
    );
  }
  // autocannon's histogram resolves whole milliseconds; one client sends one request at a
  // time, so 1000 / (req/s) is its exact mean time per call, below a millisecond too.
  console.log("\nratios against (b), the Node floor (1 client: time per call = 1000 / req/s):");
  for (const clients of [1, 64]) {
    const b = rows.find((r) => r.clients === clients && r.target.startsWith("(b)"))!;
    for (const c of rows.filter((r) => r.clients === clients && r.target.startsWith("(c)"))) {
      const added =
        clients === 1
          ? `${(1000 / c.rps).toFixed(2)} ms per call vs ${(1000 / b.rps).toFixed(2)} ms: +${(1000 / c.rps - 1000 / b.rps).toFixed(2)} ms`
          : `p50 +${(c.p50 - b.p50).toFixed(0)} ms`;
      console.log(`  ${clients} client(s), ${c.target.slice(4)}: throughput ${(c.rps / b.rps).toFixed(2)}x of (b); ${added}`);
    }
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
