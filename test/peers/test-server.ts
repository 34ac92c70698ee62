import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback server for tests that counts the requests it received. */
export interface TestServer {
  url: string;
  port: number;
  hits: number;
  close(): Promise<void>;
}

export async function startTestServer(handler: RequestListener, host = "127.0.0.1", port = 0): Promise<TestServer> {
  const server = createServer((request, response) => {
    state.hits += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const state: TestServer = {
    url: `http://${host}:${bound}`,
    port: bound,
    hits: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return state;
}
