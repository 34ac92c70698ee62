import "server-only";
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { keepAliveJob, KEEP_ALIVE_EVERY_MINUTES } from "@/lib/invoke/keep-alive";
import { startJobs, stopJobs, type JobDefinition } from "@/lib/jobs";
import { callLogRetentionJob, CALL_LOG_PURGE_EVERY_MINUTES } from "@/lib/jobs/call-log-retention";
import { deliverWebhookJob, DELIVERY_RETRY } from "@/lib/webhooks/deliver";
import { DELIVER_JOB, resumeUnfinishedDeliveries } from "@/lib/webhooks/emit";
import { subscribeRefreshWebhooks } from "@/lib/webhooks/refresh-events";

/**
 * The app's background jobs (docs/architecture.md "Background jobs"), started once the
 * database is migrated and stopped on SIGTERM/SIGINT. CONNECTIONS_JOBS=false starts none.
 */
export function appJobs(): JobDefinition[] {
  return [
    { name: "credentials.keep-alive", run: keepAliveJob, everyMinutes: KEEP_ALIVE_EVERY_MINUTES },
    { name: "call-log.retention", run: callLogRetentionJob, everyMinutes: CALL_LOG_PURGE_EVERY_MINUTES },
    { name: DELIVER_JOB, run: deliverWebhookJob, retry: DELIVERY_RETRY },
  ];
}

export async function startAppJobs(db: Db): Promise<void> {
  const e = env();
  subscribeRefreshWebhooks(db); // renewals that fail become webhook deliveries
  if (!e.CONNECTIONS_JOBS) return;
  const runner = await startJobs(db, appJobs(), { postgresUrl: e.DATABASE_URL });
  if (runner.kind === "in-process") await resumeUnfinishedDeliveries(db); // its retries lived in the last process's memory
  // Stop taking work as soon as the server is told to stop; the runs in progress finish meanwhile.
  // The server's own stop (server.ts, then lib/server/data-plane.ts) waits for them and exits.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void stopJobs().catch(() => undefined));
  console.info(`[connections] background jobs started (${runner.kind})`);
}
