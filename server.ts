/**
 * The app's HTTP server (docs/architecture.md "The data plane"): one process, one port.
 * `POST /api/v1/invoke` is answered by the data plane in plain Node, ahead of Next; every
 * other request goes to Next unchanged. The data plane is built inside Next's bundle by
 * instrumentation (lib/server/data-plane.ts), where the database and engine live, and
 * handed over on globalThis: this file imports nothing of the server's own modules but the
 * dependency-free lib/server/mode.ts.
 *
 * `npm run dev` runs it in development, `npm start` in production (after `npm run build`).
 * PORT (default 3000) and HOSTNAME (default 0.0.0.0, all interfaces) say where it listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { serverNodeEnv } from "./lib/server/mode";
import { clientAddressOf, trustedProxyHops } from "./lib/server/forwarded";

type DataPlane = {
  handles(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
};
type Holder = { dataPlane?: DataPlane; stop?: () => Promise<void> };

// `npm start` means production, `npm run dev` development, whatever NODE_ENV was: Next and the
// start-up checks (demo-password refusal, demo seed default) read NODE_ENV, so it is set, not defaulted.
const mode = serverNodeEnv(process.argv);
const dev = mode === "development";
(process.env as Record<string, string>).NODE_ENV = mode;
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";

/** How long open requests may take to finish after SIGTERM/SIGINT before their connections are closed. */
const REQUESTS_GRACE_MS = 4_000;
/** The whole stop, after which the process exits whatever is left (the data plane's stop fits in the rest). */
const STOP_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  // Read first, so that a bad value stops the start with its rule.
  const proxyHops = trustedProxyHops(process.env.CONNECTIONS_TRUSTED_PROXIES);
  const app = next({ dev, hostname, port });
  const handleWithNext = app.getRequestHandler();
  const holder = () => (globalThis as { __connectionsDataPlane?: Holder }).__connectionsDataPlane;
  let stopping = false;

  const server = createServer((req, res) => {
    // The client address is ours to say, not the client's: Next keeps an X-Forwarded-For it finds.
    const address = clientAddressOf(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxyHops);
    if (address) req.headers["x-forwarded-for"] = address;
    else delete req.headers["x-forwarded-for"];
    // Stopping: each answer closes its connection, so that keep-alive clients go elsewhere.
    if (stopping) res.setHeader("connection", "close");
    const plane = holder()?.dataPlane;
    if (plane?.handles(req)) {
      plane.handle(req, res).catch(() => res.destroy());
      return;
    }
    handleWithNext(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout

  // Installed before the start's work, so that a signal during it stops the process too.
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.info(`[connections] ${signal}: finishing open requests`);
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    // Open requests get REQUESTS_GRACE_MS; idle keep-alive connections are closed as they fall idle.
    const requestsDone = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, REQUESTS_GRACE_MS).unref());
    void Promise.race([requestsDone, grace])
      .then(() => {
        clearInterval(idle);
        server.closeAllConnections();
        // Then the jobs, the call log's last rows and the database (lib/server/data-plane.ts).
        const dataPlane = holder();
        if (!dataPlane?.stop) return;
        return dataPlane.stop().then(() => console.info("[connections] stopped: jobs ended, call log written, database closed"));
      })
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);

  // Runs instrumentation's register(): configuration checks, migrations, and the data plane.
  await app.prepare();
  if (stopping) return;
  server.listen(port, hostname, () => {
    console.info(`[connections] listening on http://${hostname}:${port} (${dev ? "development" : "production"})`);
  });
}

main().catch((error: unknown) => {
  console.error(`[connections] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
