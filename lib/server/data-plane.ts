import "server-only";
import { closeDatabase, getDatabaseHandle, getDb } from "@/db";
import { createDataPlane, type DataPlane } from "@/lib/api/data-plane";
import { ActorCache } from "@/lib/auth/actor-cache";
import { connectInstances } from "@/lib/cache/notify";
import { env } from "@/lib/env";
import { errorName, logger } from "@/lib/observe/logger";
import { stopCallLog } from "@/lib/calls/call-log-writer";
import { defaultInvokeEngine } from "@/lib/invoke/invoke";
import { stopJobs } from "@/lib/jobs";

/**
 * Builds the process's data plane and connects its caches to the other instances
 * (docs/architecture.md "The data plane"). It is handed to server.ts through globalThis:
 * server.ts runs outside Next's bundle and must not import server modules itself, while
 * this runs inside it (from instrumentation), where the database and engine live.
 */
export type DataPlaneHolder = { dataPlane?: DataPlane; stop?: () => Promise<void> };

const holder = globalThis as typeof globalThis & { __connectionsDataPlane?: DataPlaneHolder };

/** How long the stop waits for the jobs' runs in progress (of the server's 10 s; the database's close takes up to 3 s). */
const JOBS_STOP_MS = 2_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function startDataPlane(): Promise<void> {
  if (holder.__connectionsDataPlane?.dataPlane) return;
  const handle = await getDatabaseHandle();
  const disconnect = handle.pubsub ? await connectInstances(handle.pubsub) : undefined;
  const engine = defaultInvokeEngine();
  const actors = new ActorCache();
  const e = env();
  holder.__connectionsDataPlane = {
    dataPlane: createDataPlane({
      db: getDb,
      engine,
      actors,
      appOrigin: new URL(e.APP_URL).origin,
      maxRequestBytes: e.CONNECTIONS_INVOKE_MAX_REQUEST_BYTES,
      onInternalError: (error) => logger().error({ error: error instanceof Error ? error.name : "error" }, "invoke failed"),
    }),
    /**
     * The process's stop, after the server stopped taking requests (server.ts), within its 10 s:
     * each step runs whatever the one before did, so one failure does not skip the rest.
     */
    async stop() {
      const step = async (name: string, work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error) {
          logger().error({ error: errorName(error) }, `stop: ${name} failed`);
        }
      };
      await step("instances", async () => disconnect?.());
      await step("caches", async () => actors.close());
      await step("engine", () => engine.close());
      // The runs in progress finish first, for at most JOBS_STOP_MS: their renewals are logged too.
      await step("jobs", () => Promise.race([stopJobs(), delay(JOBS_STOP_MS)]));
      await step("call log", () => stopCallLog()); // after the last call: its row is written before the process exits
      // Last: PGlite's thread would otherwise be cut mid-statement by the process's exit.
      await step("database", () => closeDatabase());
    },
  };
}
