import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { e2eEnv, e2eFreshEnv, E2E_FRESH_LOG, E2E_FRESH_PORT, E2E_PORT, prepareE2EDir } from "./e2e/env";
import { capturingServerLog } from "./e2e/secrets";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!fs.existsSync(chromium)) {
  throw new Error(
    `Chromium was not found at ${chromium}. Install it (Debian/Ubuntu: \`sudo apt-get install -y chromium\`) ` +
      "or set CHROMIUM_PATH to a Chromium or Chrome binary. Playwright's own browser download is not used.",
  );
}

// Playwright loads this file again in each worker; only the main process, which starts the server, starts afresh.
if (process.env.TEST_WORKER_INDEX === undefined) prepareE2EDir();

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      // The suite builds and serves production once, as README's production start does (`npm run build`,
      // `npm start`); tests never share a server with `npm run dev`.
      // Its output is also captured to .data/e2e/server.log: the global teardown fails the run on a secret in it.
      command: capturingServerLog(
        `node scripts/e2e-database.mjs create && npm run build && PORT=${E2E_PORT} HOSTNAME=127.0.0.1 node scripts/start.mjs`,
      ),
      url: `http://127.0.0.1:${E2E_PORT}/sign-in`,
      timeout: 420_000,
      reuseExistingServer: false,
      env: e2eEnv(),
      stdout: "pipe",
      stderr: "pipe",
      cwd: path.resolve(__dirname),
    },
    {
      // The same build on an empty database, for the first-run spec. Playwright starts both servers at once:
      // this one waits for the first, whose command builds the app, so that it never serves an old build.
      command: capturingServerLog(
        `node scripts/e2e-wait-for.mjs http://127.0.0.1:${E2E_PORT}/sign-in 420 && ` +
          `PORT=${E2E_FRESH_PORT} HOSTNAME=127.0.0.1 node scripts/start.mjs`,
        E2E_FRESH_LOG,
      ),
      url: `http://127.0.0.1:${E2E_FRESH_PORT}/sign-in`,
      timeout: 480_000,
      reuseExistingServer: false,
      env: e2eFreshEnv(),
      stdout: "pipe",
      stderr: "pipe",
      cwd: path.resolve(__dirname),
    },
  ],
});
