/**
 * The server's stop (docs/architecture.md "PGlite's own thread", "Stop"), on a production server
 * of the suite's build that this spec starts itself, on an embedded PGlite directory of its own:
 * on SIGTERM it finishes, ends the jobs, writes the call log's last rows and closes the database,
 * then exits by itself, with a keep-alive client connected, rather than being made to at its
 * 10 s deadline; the
 * directory then opens again for the next start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_DIR, E2E_STOP_PORT, e2eFreshEnv } from "./env";

const BASE = `http://127.0.0.1:${E2E_STOP_PORT}`;
const DATA_DIR = path.join(E2E_DIR, "stop");

type Server = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

async function start(): Promise<Server> {
  let output = "";
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: path.resolve(__dirname, ".."),
    env: {
      ...process.env,
      ...e2eFreshEnv(),
      PORT: String(E2E_STOP_PORT),
      HOSTNAME: "127.0.0.1",
      APP_URL: BASE,
      NEXTAUTH_URL: BASE,
      CONNECTIONS_DATA_DIR: DATA_DIR,
      // The jobs run, so that the stop has them to end.
      CONNECTIONS_JOBS: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await expect
    .poll(async () => (await fetch(`${BASE}/api/ready`).catch(() => undefined))?.status, { timeout: 120_000 })
    .toBe(200);
  return { child, output: () => output, exited };
}

/** A GET on a keep-alive connection, which stays open, idle, afterwards. */
function keepAliveGet(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

test.describe("the server's stop", () => {
  test.beforeAll(() => {
    fs.rmSync(DATA_DIR, { recursive: true, force: true });
  });

  test("closes what it holds and exits by itself on SIGTERM, and the database opens again", async () => {
    test.setTimeout(300_000);
    const first = await start();
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect(await keepAliveGet(agent, `${BASE}/api/health`)).toBe(200);
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      // By itself: the exit forced after 10 s prints no "stopped".
      expect(first.output()).toContain("[connections] SIGTERM: finishing open requests");
      expect(first.output()).toContain("[connections] stopped: jobs ended, call log written, database closed");
      expect(first.output()).not.toMatch(/stop: .* failed/);
    } finally {
      agent.destroy();
      if (first.child.exitCode === null) first.child.kill("SIGKILL");
    }

    const second = await start();
    try {
      const ready = (await (await fetch(`${BASE}/api/ready`)).json()) as { status: string };
      expect(ready.status).toBe("ready");
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  });
});
