import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { e2eEnv } from "./env";
import { findSecretsInLog, SERVER_LOG } from "./secrets";

/**
 * Fails the run when the server's captured log holds a secret the suite used (docs/architecture.md
 * "Operating it"), then drops the suite's throwaway Postgres database (PGlite runs have none).
 */
export default async function globalTeardown() {
  let leaks: string[] = [];
  if (fs.existsSync(SERVER_LOG)) leaks = findSecretsInLog(fs.readFileSync(SERVER_LOG, "utf8"));
  if (process.env.DATABASE_URL) {
    const { E2E_ADMIN_DATABASE_URL, E2E_DATABASE_NAME } = e2eEnv();
    execFileSync("node", [path.resolve(__dirname, "..", "scripts", "e2e-database.mjs"), "drop"], {
      env: { ...process.env, E2E_ADMIN_DATABASE_URL, E2E_DATABASE_NAME },
      stdio: "inherit",
    });
  }
  if (!fs.existsSync(SERVER_LOG)) throw new Error(`The web server's log was not captured to ${SERVER_LOG}`);
  if (leaks.length > 0) {
    throw new Error(`The server's log (${SERVER_LOG}) holds secrets of the suite:\n  ${leaks.join("\n  ")}`);
  }
}
