import "server-only";
import { getDb } from "@/db";
import { authSecret } from "@/lib/auth/secret";
import { applyNextAuthDefaults, env } from "@/lib/env";
import { errorName, logger } from "@/lib/observe/logger";
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
    const db = await getDb();
    // The call log and token refreshes, written in batches (flushed by the data plane's stop).
    if (env().CONNECTIONS_CALL_LOG) startCallLog(db);
    await startAppJobs(db); // after the migrations getDb applied
    await startDataPlane();
  } catch (error) {
    // Configuration messages name variables, never their values.
    logger().fatal({ error: errorName(error) }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
