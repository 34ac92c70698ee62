/**
 * A second (or third) app instance in its own process, for the tests that need more than
 * one: the data plane on a loopback port, on the Postgres database INSTANCE_DATABASE_URL,
 * with its caches connected to the other instances over LISTEN/NOTIFY as the app's own
 * (lib/server/data-plane.ts). Prints `{"url": …}` on one line once it listens; stops on SIGTERM.
 * With INSTANCE_OBSERVE=1 it also keeps the call log and the metrics, as the app does
 * (lib/server/startup.ts): `npm run bench:invoke` runs it so, to measure the data plane
 * without Next in the process.
 * Run with `node --import tsx --conditions=react-server test/harness/data-plane-instance.ts`.
 */
import { openDatabase } from "@/db/client";
import { startCallLog } from "@/lib/calls/call-log-writer";
import { connectInstances } from "@/lib/cache/notify";
import { metrics } from "@/lib/observe/metrics";
import { startDataPlaneServer } from "./data-plane-server";

async function main(): Promise<void> {
  const url = process.env.INSTANCE_DATABASE_URL;
  if (!url) throw new Error("INSTANCE_DATABASE_URL is not set");
  const handle = await openDatabase({ kind: "postgres", url });
  if (!handle.pubsub) throw new Error("this database handle cannot LISTEN");
  const disconnect = await connectInstances(handle.pubsub);
  const observe = process.env.INSTANCE_OBSERVE === "1";
  if (observe) metrics();
  const stopCallLog = observe && process.env.CONNECTIONS_CALL_LOG !== "false" ? startCallLog(handle) : undefined;
  const server = await startDataPlaneServer(handle.db);
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.once("SIGTERM", () => {
    void (async () => {
      await server.close();
      await stopCallLog?.();
      await disconnect();
      await handle.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`instance failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
