/**
 * The app's data plane (lib/api/data-plane.ts) on a loopback HTTP server, as server.ts
 * serves it but without Next: every other path answers 404. Used by the data plane's HTTP
 * tests, and by test/harness/data-plane-instance.ts to run a second app instance in its
 * own process.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/db";
import { createDataPlane } from "@/lib/api/data-plane";
import { ActorCache } from "@/lib/auth/actor-cache";
import { createInvokeEngine, type InvokeEngineOptions } from "@/lib/invoke/invoke";
import { TEST_APP_URL } from "./env";

export type DataPlaneServer = { url: string; close(): Promise<void> };

export async function startDataPlaneServer(
  db: Db,
  options: { maxRequestBytes?: number; engine?: InvokeEngineOptions } = {},
): Promise<DataPlaneServer> {
  const engine = createInvokeEngine(options.engine);
  const actors = new ActorCache();
  const plane = createDataPlane({
    db: async () => db,
    engine,
    actors,
    appOrigin: new URL(TEST_APP_URL).origin,
    maxRequestBytes: options.maxRequestBytes ?? 10 * 1024 * 1024,
  });
  const server = createServer((req, res) => {
    if (plane.handles(req)) {
      plane.handle(req, res).catch(() => res.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      actors.close();
      await engine.close();
    },
  };
}
