/**
 * A second (or third) app instance in its own process, for the tests that need more than
 * one: the data plane on a loopback port, on the Postgres database INSTANCE_DATABASE_URL,
 * with its caches connected to the other instances over LISTEN/NOTIFY as the app's own
 * (lib/server/data-plane.ts). Prints `{"url": …}` on one line once it listens; stops on SIGTERM.
 * With INSTANCE_OBSERVE=1 it also keeps the call log and the metrics, as the app does
 * (lib/server/startup.ts): `npm run bench:invoke` runs it so, to measure the data plane
 * without Next in the process.
 * With INSTANCE_WORKERS=N (N > 1) it runs N such processes sharing one port (node:cluster),
 * each with its own caches, connected over LISTEN/NOTIFY like separate instances: `npm run
 * bench:invoke` measures so what a second core gives the data plane (target (e)). The URL is
 * printed once every worker listens.
 * Run with `node --import tsx --conditions=react-server test/harness/data-plane-instance.ts`.
 */
import cluster from "node:cluster";
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
  if (cluster.isWorker) process.send!({ url: server.url });
  else process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
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

/** The cluster's primary: forks the workers, prints the URL once all listen, passes SIGTERM on. */
function supervise(workers: number): void {
  const urls = new Set<string>();
  let listening = 0;
  let stopping = false;
  for (let i = 0; i < workers; i += 1) {
    const worker = cluster.fork();
    worker.on("message", (message: { url?: string }) => {
      if (!message.url) return;
      urls.add(message.url);
      listening += 1;
      if (listening < workers) return;
      if (urls.size !== 1) throw new Error(`the workers listen on different ports: ${[...urls].join(", ")}`);
      process.stdout.write(`${JSON.stringify({ url: message.url })}\n`);
    });
  }
  cluster.on("exit", (worker, code) => {
    if (code !== 0 && !stopping) {
      process.stderr.write(`worker ${worker.process.pid} exited (${code})\n`);
      process.exit(1);
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.once("SIGTERM", () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  });
}

const workers = Number(process.env.INSTANCE_WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) supervise(workers);
else
  main().catch((error: unknown) => {
    process.stderr.write(`instance failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
