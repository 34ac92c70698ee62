/**
 * `npm run bench:invoke`: throughput and latency of calls through a connection, side by side
 * with the two references that bound them, in one run on this machine
 * (docs/architecture.md "The data plane"):
 *   (a) straight to a loopback upstream,
 *   (b) through a minimal Node forwarding proxy in its own process that only adds the auth
 *       header (bench/bare-proxy.mjs: the floor for doing this job in Node),
 *   (c) through POST /api/v1/invoke of a production build served as `npm start` serves it
 *       (server.ts), with an API-key and an OAuth 2 connection, each called with a personal
 *       access token and with the session cookie,
 *   (d) on Postgres, the same data plane (call log and metrics on) in a process without Next,
 *       which shows what sharing the process with Next costs,
 *   (e) on Postgres, (d) in two processes sharing one port (node:cluster), 64 clients: what a
 *       second core would give the data plane (its CPU is both processes'),
 * at 1 and 64 concurrent clients, on PGlite and on Postgres ((b) again after each (c) and (d) run,
 * which is set against the (b) runs on either side of it: see measureAgainstProxy); then the peak memory (RSS) of the
 * app and of the proxy while 64 clients each fetch a 10 MiB answer through them; then what the
 * call log costs: the app beside a second one started with CONNECTIONS_CALL_LOG=false, 64
 * clients on each at the same time, so that whatever else the machine does falls on both alike.
 *
 * Postgres: DATABASE_URL, else the local default (a throwaway database is made and dropped).
 * BENCH_SECONDS (default 8) sets each run's length; BENCH_SKIP_BUILD=1 reuses .next;
 * BENCH_DATABASES=pglite,postgres chooses the databases; BENCH_CPU_PROF=<dir> writes the CPU
 * profiles of the app and of (d) there (node --cpu-prof; open it in Chrome DevTools);
 * BENCH_ONLY=call-log runs only the call log's comparison; BENCH_ONLY=plane only (d) and (e);
 * BENCH_ONLY=memory only the memory burst, after the same 64-client load as a full run puts on
 * the app and the proxy first.
 * BENCH_BASELINE=<git ref> runs only a side-by-side comparison of this checkout's build with
 * that commit's (built in a temporary git worktree), both loaded at once as in the call log's
 * comparison: the way to tell a change of a few percent from this machine's drift.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import postgres from "postgres";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3290);
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
const DATABASES = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",") as Array<"pglite" | "postgres">;
const UPSTREAM_TOKEN = "bench-access-token";
const API_KEY = "bench-api-key";
const BIG_BYTES = 10 * 1024 * 1024;
const ONLY_CALL_LOG = process.env.BENCH_ONLY === "call-log";
const ONLY_MEMORY = process.env.BENCH_ONLY === "memory";
const ONLY_PLANE = process.env.BENCH_ONLY === "plane";
/** A git ref whose build is compared with this checkout's, side by side (see the top of this file). */
const BASELINE = process.env.BENCH_BASELINE;
/** A full run: not one of the BENCH_ONLY parts, nor the baseline comparison. */
const FULL = !ONLY_CALL_LOG && !ONLY_MEMORY && !ONLY_PLANE && !BASELINE;
/** The call log's comparison: rounds of both apps loaded at once (see the top of this file). */
const CALL_LOG_ROUNDS = 9;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
/** The app is started as `npm start` starts it: package.json's start script is `node [flags] scripts/start.mjs`. */
const START_ARGS = (() => {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts
    .start;
  const [command, ...args] = script.split(/\s+/);
  if (command !== "node" || args.at(-1) !== "scripts/start.mjs") throw new Error(`unexpected start script: ${script}`);
  return args;
})();

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** The API: a small JSON document at any path, 10 MiB at /big; 401 without one of the two credentials. */
function startUpstream(): Promise<{ url: string; server: http.Server }> {
  const body = JSON.stringify({ ok: true, items: [1, 2, 3], note: "bench upstream" });
  const chunk = Buffer.alloc(256 * 1024, "x");
  const server = http.createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${UPSTREAM_TOKEN}` || req.headers["x-api-key"] === API_KEY;
    if (ok && req.url?.startsWith("/big")) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG_BYTES });
      let sent = 0;
      const pump = () => {
        while (sent < BIG_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
      return;
    }
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json", "content-length": ok ? Buffer.byteLength(body) : 0 });
    res.end(ok ? body : "");
  });
  server.keepAliveTimeout = 60_000;
  return listen(server).then((port) => ({ url: `http://127.0.0.1:${port}`, server }));
}

/** A child process that prints `{"url": …}` once it listens. */
function startChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code})`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const message = JSON.parse(line) as { url?: string };
        if (message.url) resolve({ url: message.url, child });
      } catch {
        // not our line
      }
    });
  });
}

type Row = {
  db: string;
  target: string;
  clients: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time the serving process spent per answered request, µs (null: served by this process). */
  cpuUs: number | null;
  /** For (c) and (d): the bare proxy's figures, the mean of its runs just before and just after this one. */
  ref?: { rps: number; p99: number; cpuUs: number };
};

/**
 * This machine's speed drifts by tens of percent over minutes (the same case, run eight times
 * in a row, moved between 2,450 and 3,387 req/s), so a ratio against one (b) run taken minutes
 * earlier measures the drift as much as the app. (b) is therefore run again after every (c) and
 * (d) run, and each is set against the mean of the (b) runs on either side of it.
 */
async function measureAgainstProxy(rows: Row[], proxyRun: () => Promise<Row>, cases: Array<() => Promise<Row>>): Promise<void> {
  let before = await proxyRun();
  rows.push(before);
  for (const run of cases) {
    const row = await run();
    const after = await proxyRun();
    row.ref = {
      rps: (before.rps + after.rps) / 2,
      p99: (before.p99 + after.p99) / 2,
      cpuUs: ((before.cpuUs ?? 0) + (after.cpuUs ?? 0)) / 2,
    };
    rows.push(row, after);
    before = after;
  }
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15). */
function ownCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The same for a process and its live children (target (e) is a cluster of worker processes). */
function cpuSeconds(pid: number): number {
  const children = fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number));
  return children.reduce((sum, child) => sum + ownCpuSeconds(child), ownCpuSeconds(pid));
}

/**
 * One run after a warm-up. Throughput on a shared 2-core machine moves with whatever else
 * runs; the serving process's CPU time per request (`pid`) moves much less, so it is printed
 * next to it.
 */
async function measure(db: string, target: string, clients: number, opts: autocannon.Options, pid?: number): Promise<Row> {
  await autocannon({ ...opts, connections: clients, duration: 2 }); // warm-up
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const r = await autocannon({ ...opts, connections: clients, duration: SECONDS });
  const cpuUs = pid && r.requests.total ? ((cpuSeconds(pid) - cpuBefore) * 1e6) / r.requests.total : null;
  const errors = r.errors + r.non2xx;
  return { db, target, clients, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors, cpuUs };
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error("the app exited during start-up");
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer at ${url}`);
}

/** Signs ada in through next-auth's own endpoints, as the sign-in page does; returns the Cookie header. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${APP_URL}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const answer = await fetch(`${APP_URL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie.join("; ") },
    body: new URLSearchParams({ csrfToken, email: "ada@acme.test", password: "connections", json: "true" }),
  });
  const session = answer.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token"));
  if (!session) throw new Error(`sign-in failed (${answer.status})`);
  return session.split(";")[0];
}

function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Idle and peak RSS of `pid` while 64 clients fetch 10 MiB answers (3 each). */
async function burst(pid: number, opts: autocannon.Options): Promise<{ idleMiB: number; peakMiB: number; errors: number }> {
  const idle = rssKiB(pid);
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 20);
  const r = await autocannon({ ...opts, connections: 64, amount: 64 * 3, timeout: 60 });
  clearInterval(timer);
  return { idleMiB: idle / 1024, peakMiB: peak / 1024, errors: r.errors + r.non2xx };
}

function catalog(upstreamUrl: string) {
  return [
    {
      name: "Bench Key",
      linkName: "bench_key",
      category: "Developer",
      description: "bench upstream, API key",
      icon: "KeyRound",
      authType: "api_key",
      docsUrl: "https://example.com/docs",
      api: { baseUrl: upstreamUrl, allowedHosts: ["127.0.0.1"] },
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
      api: { baseUrl: upstreamUrl, allowedHosts: ["127.0.0.1"] },
      oauth2: {
        authorizeUrl: `${upstreamUrl}/authorize`,
        tokenUrl: `${upstreamUrl}/token`,
        scopes: [],
        pkce: true,
        tokenAuthMethod: "client_secret_basic",
      },
    },
  ];
}

/** Seeds the database `env` names with `cwd`'s code (bench/seed-invoke.ts); returns the personal access token. */
function seed(env: NodeJS.ProcessEnv, cwd = ROOT): string {
  const seeded = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "bench/seed-invoke.ts"], {
    cwd,
    env: { ...env, BENCH_API_KEY: API_KEY, BENCH_UPSTREAM_TOKEN: UPSTREAM_TOKEN },
    encoding: "utf8",
  });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  return (JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as { token: string }).token;
}

function stop(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
}

/** One app's figures in one round of a side-by-side comparison (measurePair). */
type PairRow = {
  db: string;
  round: number;
  /** "this": the app already running; "other": the one measurePair starts beside it. */
  side: "this" | "other";
  connection: string;
  rps: number;
  p99: number;
  cpuUs: number;
  errors: number;
  /**
   * The call log writer's time per row written, from this app's metrics: each batch from start to
   * end (on PGlite that includes waiting for the database's own thread, docs/architecture.md
   * "PGlite's own thread"; it is not the serving thread's CPU).
   */
  writeUsPerRow?: number;
};

const METRICS_TOKEN = randomBytes(16).toString("hex");

/** The call log writer's totals so far: seconds spent writing and rows written (GET /api/metrics). */
async function callLogWriterTotals(appUrl: string): Promise<{ seconds: number; rows: number }> {
  const text = await (await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    seconds: value(/^connections_call_log_write_seconds_sum (\S+)$/m),
    rows: value(/^connections_call_log_rows_total\{outcome="written"\} (\S+)$/m),
  };
}

/** The app started beside the running one: its checkout and what its environment changes. */
type OtherApp = { cwd: string; env: Record<string, string>; connections: string[] };

/**
 * Two apps loaded at once: a second one (`other`: its own port, and its own PGlite directory,
 * or on Postgres its own database when it runs another checkout's code) beside the running
 * one; in each round 64 clients call each app, both at once, through the same connection with
 * a token (rounds take `other.connections` in turn). The apps share the two cores evenly, so
 * each gets about half its usual throughput; what is compared is the one against the other in
 * the same seconds, which this machine's drift cannot tell apart.
 */
async function measurePair(
  kind: "pglite" | "postgres",
  env: NodeJS.ProcessEnv,
  running: { pid: number; token: string },
  other: OtherApp,
  upstreamUrl: string,
  workDir: string,
  admin: postgres.Sql,
): Promise<PairRow[]> {
  const port = APP_PORT + 1;
  const url = `http://127.0.0.1:${port}`;
  const otherEnv: NodeJS.ProcessEnv = { ...env, ...other.env, PORT: String(port), APP_URL: url, NEXTAUTH_URL: url };
  const ownDatabase = kind === "postgres" && other.cwd !== ROOT;
  const dbName = `connections_bench_${process.pid}_other`;
  if (kind === "pglite") otherEnv.CONNECTIONS_DATA_DIR = fs.mkdtempSync(path.join(workDir, "pglite-other-"));
  if (ownDatabase) {
    await admin.unsafe(`create database ${dbName}`);
    const dbUrl = new URL(ADMIN_URL);
    dbUrl.pathname = `/${dbName}`;
    otherEnv.DATABASE_URL = dbUrl.toString();
  }
  try {
    const otherToken = kind === "pglite" || ownDatabase ? seed(otherEnv, other.cwd) : running.token;
    const started = spawn(process.execPath, [...cpuProfile(), ...START_ARGS], { cwd: other.cwd, env: otherEnv, stdio: "ignore" });
    try {
      await waitFor(`${url}/api/health`, started);
      const options = (appUrl: string, token: string, connection: string): autocannon.Options => ({
        url: `${appUrl}/api/v1/invoke`,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ connection, url: `${upstreamUrl}/items`, method: "GET" }),
      });
      const rows: PairRow[] = [];
      for (let round = 1; round <= CALL_LOG_ROUNDS; round += 1) {
        const connection = other.connections[(round - 1) % other.connections.length];
        const before = await callLogWriterTotals(APP_URL);
        const [here, there] = await Promise.all([
          measure(kind, "this", 64, options(APP_URL, running.token, connection), running.pid),
          measure(kind, "other", 64, options(url, otherToken, connection), started.pid!),
        ]);
        const after = await callLogWriterTotals(APP_URL);
        const writeUsPerRow =
          after.rows > before.rows ? ((after.seconds - before.seconds) * 1e6) / (after.rows - before.rows) : 0;
        for (const [side, r] of [
          ["this", here],
          ["other", there],
        ] as const) {
          rows.push({
            db: kind,
            round,
            side,
            connection,
            rps: r.rps,
            p99: r.p99,
            cpuUs: r.cpuUs ?? 0,
            errors: r.errors,
            ...(side === "this" ? { writeUsPerRow } : {}),
          });
        }
      }
      return rows;
    } finally {
      await stop(started);
    }
  } finally {
    if (ownDatabase) await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  }
}

/**
 * BENCH_BASELINE: that commit, checked out into a temporary git worktree with this checkout's
 * node_modules, and built. Returns its directory and how to remove it.
 */
function buildBaseline(ref: string, workDir: string, env: NodeJS.ProcessEnv): { cwd: string; remove(): void } {
  const cwd = path.join(workDir, "baseline");
  const git = (...args: string[]) => {
    const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  };
  git("worktree", "add", "--detach", cwd, ref);
  const remove = () => {
    spawnSync("git", ["worktree", "remove", "--force", cwd], { cwd: ROOT });
    spawnSync("git", ["worktree", "prune"], { cwd: ROOT });
  };
  try {
    // Next's bundler resolves nothing outside the project's directory, so a symlink will not do: hard
    // links (one filesystem) or else a copy.
    const modules = [path.join(ROOT, "node_modules"), path.join(cwd, "node_modules")] as const;
    if (spawnSync("cp", ["-al", ...modules]).status !== 0) fs.cpSync(...modules, { recursive: true });
    console.log(`building ${ref} in ${cwd}…`);
    const build = spawnSync("npm", ["run", "build"], { cwd, env, stdio: "ignore" });
    if (build.status !== 0) throw new Error(`npm run build of ${ref} failed`);
    return { cwd, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** node's flags for a CPU profile of a served process, when BENCH_CPU_PROF names a directory. */
const cpuProfile = () => (process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []);

/** Target (d): test/harness/data-plane-instance.ts on the app's database, called with the token. */
async function measurePlaneAlone(
  env: NodeJS.ProcessEnv,
  token: string,
  upstreamUrl: string,
  proxy: { url: string; child: ChildProcess },
  workers = 1,
): Promise<Row[]> {
  const plane = await startChild(
    process.execPath,
    [...cpuProfile(), "--import", "tsx", "--conditions=react-server", path.join(ROOT, "test/harness/data-plane-instance.ts")],
    { ...env, INSTANCE_DATABASE_URL: env.DATABASE_URL, INSTANCE_OBSERVE: "1", INSTANCE_WORKERS: String(workers) },
  );
  const target = workers === 1 ? "(d) plane without Next, key" : `(e) plane, ${workers} processes`;
  try {
    const opts: autocannon.Options = {
      url: `${plane.url}/api/v1/invoke`,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ connection: "bench_key_conn", url: `${upstreamUrl}/items`, method: "GET" }),
    };
    const check = await fetch(opts.url as string, { method: "POST", headers: opts.headers, body: opts.body as string });
    if (check.status !== 200) throw new Error(`the data plane alone answered ${check.status}: ${await check.text()}`);
    const rows: Row[] = [];
    // More processes change nothing for one client at a time: (e) runs at 64 only.
    for (const clients of workers === 1 ? [1, 64] : [64]) {
      await measureAgainstProxy(
        rows,
        () => measure("postgres", "(b) bare Node proxy", clients, { url: `${proxy.url}/items` }, proxy.child.pid),
        [() => measure("postgres", target, clients, opts, plane.child.pid)],
      );
    }
    return rows;
  } finally {
    plane.child.kill("SIGTERM");
    await new Promise((resolve) => (plane.child.exitCode !== null ? resolve(undefined) : plane.child.once("exit", resolve)));
  }
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-bench-"));
  const upstream = await startUpstream();
  const proxy = await startChild(process.execPath, [path.join(ROOT, "bench/bare-proxy.mjs")], {
    ...process.env,
    UPSTREAM_URL: upstream.url,
    UPSTREAM_TOKEN,
  });
  const catalogFile = path.join(workDir, "catalog.json");
  fs.writeFileSync(catalogFile, JSON.stringify(catalog(upstream.url)));
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    APP_URL,
    NEXTAUTH_URL: APP_URL,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    CONNECTIONS_KEYS: JSON.stringify({ bench: randomBytes(32).toString("base64") }),
    CONNECTIONS_ACTIVE_KEY: "bench",
    CONNECTIONS_CATALOG_FILE: catalogFile,
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    CONNECTIONS_SEED: "true",
    CONNECTIONS_LOG_LEVEL: "warn",
    CONNECTIONS_INVOKE_MAX_BYTES: String(16 * 1024 * 1024),
    NEXT_TELEMETRY_DISABLED: "1",
    CONNECTIONS_METRICS_TOKEN: METRICS_TOKEN,
    PORT: String(APP_PORT),
    HOSTNAME: "127.0.0.1",
  };
  delete baseEnv.DATABASE_URL;

  if (process.env.BENCH_SKIP_BUILD !== "1") {
    console.log("building the app (npm run build)…");
    const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, env: { ...baseEnv }, stdio: "ignore" });
    if (build.status !== 0) throw new Error("npm run build failed");
  }

  const rows: Row[] = [];
  const callLog: PairRow[] = [];
  const versus: PairRow[] = [];
  const memory: Array<{ target: string; idleMiB: number; peakMiB: number; errors: number }> = [];
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const baseline = BASELINE ? buildBaseline(BASELINE, workDir, baseEnv) : undefined;
  try {
    for (const kind of DATABASES) {
      const env: NodeJS.ProcessEnv = { ...baseEnv, CONNECTIONS_DATA_DIR: fs.mkdtempSync(path.join(workDir, `${kind}-`)) };
      const dbName = `connections_bench_${process.pid}_${kind}`;
      if (kind === "postgres") {
        await admin.unsafe(`create database ${dbName}`);
        const url = new URL(ADMIN_URL);
        url.pathname = `/${dbName}`;
        env.DATABASE_URL = url.toString();
      }
      const token = seed(env);

      const app = spawn(process.execPath, [...cpuProfile(), ...START_ARGS], { cwd: ROOT, env, stdio: "ignore" });
      try {
        await waitFor(`${APP_URL}/api/health`, app);
        const cookie = await signIn();
        const invoke = (connection: string, auth: "token" | "cookie", url = `${upstream.url}/items`): autocannon.Options => ({
          url: `${APP_URL}/api/v1/invoke`,
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(auth === "token" ? { authorization: `Bearer ${token}` } : { cookie, origin: APP_URL }),
          },
          body: JSON.stringify({ connection, url, method: "GET" }),
        });
        for (const connection of ["bench_key_conn", "bench_oauth_conn"]) {
          for (const auth of ["token", "cookie"] as const) {
            const o = invoke(connection, auth);
            const check = await fetch(o.url as string, { method: "POST", headers: o.headers, body: o.body as string });
            if (check.status !== 200)
              throw new Error(`invoke (${connection}, ${auth}) answered ${check.status}: ${await check.text()}`);
          }
        }
        if (ONLY_MEMORY && kind === DATABASES.at(-1)) {
          // The load a full run puts on both before the burst (its 64-client cases), unrecorded.
          await measure(kind, "(b) bare Node proxy", 64, { url: `${proxy.url}/items` });
          for (const connection of ["bench_key_conn", "bench_oauth_conn"])
            for (const auth of ["token", "cookie"] as const) await measure(kind, "warm-up", 64, invoke(connection, auth));
        }
        for (const clients of FULL ? [1, 64] : []) {
          rows.push(
            await measure(kind, "(a) upstream direct", clients, {
              url: `${upstream.url}/items`,
              headers: { authorization: `Bearer ${UPSTREAM_TOKEN}` },
            }),
          );
          await measureAgainstProxy(
            rows,
            () => measure(kind, "(b) bare Node proxy", clients, { url: `${proxy.url}/items` }, proxy.child.pid),
            [
              () => measure(kind, "(c) invoke, API key, token", clients, invoke("bench_key_conn", "token"), app.pid),
              () => measure(kind, "(c) invoke, API key, cookie", clients, invoke("bench_key_conn", "cookie"), app.pid),
              () => measure(kind, "(c) invoke, OAuth 2, token", clients, invoke("bench_oauth_conn", "token"), app.pid),
              () => measure(kind, "(c) invoke, OAuth 2, cookie", clients, invoke("bench_oauth_conn", "cookie"), app.pid),
            ],
          );
        }
        if (kind === DATABASES.at(-1) && (FULL || ONLY_MEMORY)) {
          memory.push({ target: "(b) bare Node proxy", ...(await burst(proxy.child.pid!, { url: `${proxy.url}/big` })) });
          memory.push({
            target: `(c) invoke, API key, token (${kind})`,
            ...(await burst(app.pid!, invoke("bench_key_conn", "token", `${upstream.url}/big`))),
          });
        }
        const running = { pid: app.pid!, token };
        if (FULL || ONLY_CALL_LOG) {
          const logOff: OtherApp = {
            cwd: ROOT,
            env: { CONNECTIONS_CALL_LOG: process.env.BENCH_CALL_LOG_AA === "1" ? "true" : "false" },
            connections: ["bench_key_conn"],
          };
          callLog.push(...(await measurePair(kind, env, running, logOff, upstream.url, workDir, admin)));
        }
        if (baseline) {
          const other: OtherApp = { cwd: baseline.cwd, env: {}, connections: ["bench_key_conn", "bench_oauth_conn"] };
          versus.push(...(await measurePair(kind, env, running, other, upstream.url, workDir, admin)));
        }
      } finally {
        await stop(app);
      }
      try {
        // (d): the same data plane, call log and metrics in a process without Next (Postgres only:
        // a second process cannot open a PGlite directory). The gap between (c) and (d) is what
        // sharing the process with Next costs (docs/architecture.md "The data plane"). (e): the
        // same in two processes sharing the port, which shows what a second core would give.
        if (kind === "postgres" && (FULL || ONLY_PLANE)) {
          rows.push(...(await measurePlaneAlone(env, token, upstream.url, proxy)));
          rows.push(...(await measurePlaneAlone(env, token, upstream.url, proxy, 2)));
        }
      } finally {
        if (kind === "postgres") await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      }
    }
  } finally {
    proxy.child.kill("SIGTERM");
    upstream.server.close();
    baseline?.remove();
    await admin.end();
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const fmt = (n: number, d = 2) => n.toFixed(d).padStart(9);
  console.log(`\nnode ${process.version}, ${os.cpus().length} cores; ${SECONDS} s per run; load generator on the same cores\n`);
  console.log("db        target                          clients    req/s   p50 ms   p99 ms  errors  CPU µs/req");
  for (const r of rows) {
    console.log(
      `${r.db.padEnd(10)}${r.target.padEnd(32)}${String(r.clients).padStart(7)}${fmt(r.rps, 0)}${fmt(r.p50)}${fmt(r.p99)}${String(r.errors).padStart(8)}${r.cpuUs === null ? "          —" : fmt(r.cpuUs, 0).padStart(12)}`,
    );
  }
  // autocannon's histogram resolves whole milliseconds; one client sends one request at a
  // time, so 1000 / (req/s) is its exact mean time per call, below a millisecond too.
  console.log(
    "\nagainst (b), the Node floor, run just before and just after each (goal: ≥ 0.5x its throughput at 64 clients, ≤ +1 ms per call at 1 client):",
  );
  for (const kind of FULL || ONLY_PLANE ? DATABASES : []) {
    for (const clients of [1, 64]) {
      for (const c of rows.filter((r) => r.db === kind && r.clients === clients && r.ref)) {
        const b = c.ref!;
        const added =
          clients === 1
            ? `; ${(1000 / c.rps).toFixed(2)} ms per call vs ${(1000 / b.rps).toFixed(2)} ms: +${(1000 / c.rps - 1000 / b.rps).toFixed(2)} ms`
            : `; p99 ${c.p99} ms vs ${b.p99.toFixed(0)} ms; CPU per request ${c.cpuUs !== null && b.cpuUs ? (c.cpuUs / b.cpuUs).toFixed(2) : "?"}x`;
        console.log(
          `  ${kind.padEnd(9)}${String(clients).padStart(2)} client(s), ${c.target.slice(4).padEnd(28)} ${(c.rps / b.rps).toFixed(2)}x${added}`,
        );
      }
    }
  }
  if (memory.length) {
    console.log("\nmemory while 64 clients fetch 10 MiB answers (3 each):");
    for (const m of memory) {
      console.log(
        `  ${m.target.padEnd(40)} idle ${m.idleMiB.toFixed(0).padStart(5)} MiB, peak ${m.peakMiB.toFixed(0).padStart(5)} MiB (+${(m.peakMiB - m.idleMiB).toFixed(0)} MiB), errors ${m.errors}`,
      );
    }
    const [b, c] = memory;
    console.log(
      `  peak ratio ${(c.peakMiB / b.peakMiB).toFixed(2)}x; growth during the burst ${((c.peakMiB - c.idleMiB) / Math.max(1, b.peakMiB - b.idleMiB)).toFixed(2)}x of the proxy's`,
    );
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  /** Per round and as medians: how `here` ("this") compares with `there` ("other") in the same seconds. */
  const printPairs = (pairs: PairRow[], describe: (here: PairRow, there: PairRow) => string, summary: string) => {
    for (const kind of DATABASES) {
      const ratios: number[] = [];
      const cpuRatios: number[] = [];
      for (let round = 1; round <= CALL_LOG_ROUNDS; round += 1) {
        const here = pairs.find((r) => r.db === kind && r.round === round && r.side === "this");
        const there = pairs.find((r) => r.db === kind && r.round === round && r.side === "other");
        if (!here || !there) continue;
        ratios.push(here.rps / there.rps);
        cpuRatios.push(here.cpuUs / there.cpuUs);
        console.log(`  ${kind.padEnd(9)} round ${round}: ${describe(here, there)}`);
      }
      if (ratios.length) {
        const loss = ((1 - median(ratios)) * 100).toFixed(1);
        const cpu = ((median(cpuRatios) - 1) * 100).toFixed(1);
        console.log(`  ${kind.padEnd(9)} median: ${summary.replace("{loss}", loss).replace("{cpu}", cpu)}`);
      }
    }
  };
  const figures = (r: PairRow) => `p99 ${r.p99} ms, ${r.cpuUs.toFixed(0)} µs CPU/req, errors ${r.errors}`;
  if (callLog.length) {
    console.log(
      "\nthe call log's cost: the app with and without it, 64 clients on each at once, API key, token (goal: ≤ 10 % of throughput):",
    );
    printPairs(
      callLog,
      (on, off) =>
        `${on.rps.toFixed(0)} req/s with the log (${figures(on)}, writing ${(on.writeUsPerRow ?? 0).toFixed(1)} µs/row), ${off.rps.toFixed(0)} without (${figures(off)})`,
      "the log costs {loss} % of throughput and {cpu} % more CPU per request",
    );
  }
  if (versus.length) {
    console.log(`\nthis checkout against ${BASELINE}: both apps, 64 clients on each at once, with a token:`);
    printPairs(
      versus,
      (here, there) =>
        `${here.connection.padEnd(17)} ${here.rps.toFixed(0)} req/s here (${figures(here)}), ${there.rps.toFixed(0)} for ${BASELINE} (${figures(there)})`,
      `this checkout serves {loss} % less than ${BASELINE} (negative: more) and spends {cpu} % more CPU per request`,
    );
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
