import { execFileSync } from "node:child_process";
import path from "node:path";
import { e2eEnv } from "./env";

/** Drops the suite's throwaway Postgres database (PGlite runs have none). */
export default async function globalTeardown() {
  if (!process.env.DATABASE_URL) return;
  const { E2E_ADMIN_DATABASE_URL, E2E_DATABASE_NAME } = e2eEnv();
  execFileSync("node", [path.resolve(__dirname, "..", "scripts", "e2e-database.mjs"), "drop"], {
    env: { ...process.env, E2E_ADMIN_DATABASE_URL, E2E_DATABASE_NAME },
    stdio: "inherit",
  });
}
