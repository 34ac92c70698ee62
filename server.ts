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

async function main(): Promise<void> {
  // Read first, so that a bad value stops the start with its rule.
  const proxyHops = trustedProxyHops(process.env.CONNECTIONS_TRUSTED_PROXIES);
  const app = next({ dev, hostname, port });
  const handleWithNext = app.getRequestHandler();
  // Runs instrumentation's register(): configuration checks, migrations, and the data plane.
  await app.prepare();
  const holder = () => (globalThis as { __connectionsDataPlane?: Holder }).__connectionsDataPlane;

  const server = createServer((req, res) => {
    // The client address is ours to say, not the client's: Next keeps an X-Forwarded-For it finds.
    const address = clientAddressOf(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxyHops);
    if (address) req.headers["x-forwarded-for"] = address;
    else delete req.headers["x-forwarded-for"];
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
  server.listen(port, hostname, () => {
    console.info(`[connections] listening on http://${hostname}:${port} (${dev ? "development" : "production"})`);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.info(`[connections] ${signal}: finishing open requests`);
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    server.close(() => {
      void (holder()?.stop?.() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[connections] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
