import "server-only";
import { getDatabaseHandle } from "@/db";
import { authSecret } from "@/lib/auth/secret";
import { applyNextAuthDefaults, env, isProduction } from "@/lib/env";
import { demoAccountsWithDemoPassword, issueSetupLink } from "@/lib/accounts/first-run";
import type { Db } from "@/db";
import { errorName, failureMessage, logger } from "@/lib/observe/logger";
import { metrics } from "@/lib/observe/metrics";
import { startCallLog } from "@/lib/calls/call-log-writer";
import { keyRing } from "@/lib/secrets/key-ring";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { startDataPlane } from "./data-plane";
import { startAppJobs } from "./jobs";

/**
 * Fails fast with a readable message: a production server without its key ring or
 * session secret must not start and then fail on the first request.
 */
export async function startServer(): Promise<void> {
  try {
    applyNextAuthDefaults();
    authSecret();
    keyRing();
    serviceCatalog(); // CONNECTIONS_CATALOG_FILE is validated now, with clear errors, not on first use
    metrics(); // subscribe to the call and renewal events before the first request
    const database = await getDatabaseHandle();
    const { db } = database;
    // The call log and token refreshes, written in batches (flushed by the data plane's stop).
    if (env().CONNECTIONS_CALL_LOG) startCallLog(database);
    await checkAccounts(db);
    await startAppJobs(db); // after the migrations getDb applied
    await startDataPlane();
  } catch (error) {
    // Configuration messages name variables, never their values.
    logger().fatal({ error: errorName(error) }, `cannot start: ${failureMessage(error)}`);
    process.exit(1);
  }
}

/**
 * docs/product.md §8: a production start refuses to run while a demo account still has the
 * public demo password (unless CONNECTIONS_SEED=true asked for the demo), and on a database
 * without users logs the one-time setup link.
 */
export async function checkAccounts(db: Db, log = logger()): Promise<void> {
  const e = env();
  if (isProduction() && !e.CONNECTIONS_SEED) {
    const exposed = await demoAccountsWithDemoPassword(db);
    if (exposed.length) {
      throw new Error(
        `the demo account ${exposed.join(", ")} still has the public demo password; change it (Settings → Account) ` +
          "or remove the account, or set CONNECTIONS_SEED=true to run the demo on purpose",
      );
    }
  }
  const link = await issueSetupLink(db, e.APP_URL);
  if (link)
    log.warn(`no users yet: open ${link} to create the first organization and its admin (the link works once, for 24 hours)`);
}
