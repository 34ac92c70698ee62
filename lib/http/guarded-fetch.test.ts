import { statusOf } from "@/lib/errors";
import type { LookupAddress } from "node:dns";
import { afterEach, describe, expect, it } from "vitest";
import { createPinnedLookup, guardedAgent, type Resolver } from "./dispatcher";
import { OutboundBlockedError, OutboundConnectError } from "./errors";
import { createGuardedFetch } from "./guarded-fetch";
import { startTestServer, type TestServer } from "@/test/peers/test-server";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(host = "127.0.0.1", port = 0, body = "ok", headers: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer((_request, response) => response.writeHead(200, headers).end(body), host, port);
  servers.push(server);
  return server;
}

/** A resolver that answers from a table and counts its queries. */
function tableResolver(table: Record<string, string[] | string[][]>) {
  const calls: string[] = [];
  const resolve: Resolver = async (hostname) => {
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`no such host ${hostname}`), { code: "ENOTFOUND" });
    const index = calls.filter((name) => name === hostname).length;
    calls.push(hostname);
    // An array of arrays gives one answer per query (the last one repeats).
    const answer = (Array.isArray(entry[0]) ? (entry as string[][])[Math.min(index, entry.length - 1)] : entry) as string[];
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

function lookupAll(lookup: ReturnType<typeof createPinnedLookup>, hostname: string) {
  return new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses as LookupAddress[]))),
  );
}

function lookupOne(lookup: ReturnType<typeof createPinnedLookup>, hostname: string) {
  return new Promise<string>((resolve, reject) =>
    lookup(hostname, {}, (error, address) => (error ? reject(error) : resolve(address as string))),
  );
}

describe("createPinnedLookup (no packets sent)", () => {
  const production = { allowPrivateNetwork: false };

  it("refuses a name that resolves to loopback", async () => {
    const { resolve } = tableResolver({ "loopback.test": ["127.0.0.1"] });
    await expect(lookupAll(createPinnedLookup(production, resolve), "loopback.test")).rejects.toBeInstanceOf(
      OutboundBlockedError,
    );
  });

  it("keeps only the public addresses of a mixed answer", async () => {
    const { resolve } = tableResolver({ "mixed.test": ["10.0.0.5", "93.184.216.34", "::1", "2606:4700::1"] });
    const lookup = createPinnedLookup(production, resolve);
    expect(await lookupAll(lookup, "mixed.test")).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1", family: 6 },
    ]);
    expect(await lookupOne(lookup, "mixed.test")).toBe("93.184.216.34");
  });

  it("refuses an answer with no public address, and says what it was", async () => {
    const { resolve } = tableResolver({ "inside.test": ["10.0.0.5", "169.254.169.254", "::ffff:127.0.0.1"] });
    const error = await lookupAll(createPinnedLookup(production, resolve), "inside.test").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect((error as Error).message).toMatch(/inside\.test.*private.*link_local.*loopback/);
  });

  it("treats documentation and benchmark addresses as non-public", async () => {
    const { resolve } = tableResolver({ "doc.test": ["192.0.2.1", "198.18.0.1", "2001:db8::1"] });
    await expect(lookupAll(createPinnedLookup(production, resolve), "doc.test")).rejects.toBeInstanceOf(OutboundBlockedError);
  });

  it("reports resolver failures as connection errors", async () => {
    const { resolve } = tableResolver({});
    await expect(lookupAll(createPinnedLookup(production, resolve), "nowhere.test")).rejects.toBeInstanceOf(OutboundConnectError);
  });
});

describe("createGuardedFetch", () => {
  it("refuses a name that resolves to loopback, and nothing is reached", async () => {
    const server = await serve();
    const { resolve, calls } = tableResolver({ "loopback.test": ["127.0.0.1"] });
    const guardedFetch = createGuardedFetch({ allowPrivateNetwork: false, resolve });
    await expect(guardedFetch(`https://loopback.test:${server.port}/`)).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(calls).toEqual(["loopback.test"]);
    expect(server.hits).toBe(0);
  });

  it("refuses blocked URLs before any lookup", async () => {
    const { resolve, calls } = tableResolver({});
    const guardedFetch = createGuardedFetch({ allowPrivateNetwork: false, resolve });
    for (const url of ["https://127.0.0.1/", "https://[::ffff:7f00:1]/", "http://example.com/", "https://localhost/"]) {
      await expect(guardedFetch(url)).rejects.toBeInstanceOf(OutboundBlockedError);
    }
    expect(calls).toEqual([]);
  });

  it("connects to the address it checked, and checks again on every new connection (DNS rebinding)", async () => {
    // 127.0.0.2 stands in for "public" and 127.0.0.1 for "private"; both listen on one port.
    const allowed = await serve("127.0.0.2", 0, "allowed", { connection: "close" });
    const forbidden = await serve("127.0.0.1", allowed.port, "forbidden");
    const { resolve, calls } = tableResolver({ "rebind.test": [["127.0.0.2"], ["127.0.0.1"]] });
    const guardedFetch = createGuardedFetch({
      allowPrivateNetwork: true,
      resolve,
      isAllowedAddress: (address) => address === "127.0.0.2",
    });
    const first = await guardedFetch(`http://rebind.test:${allowed.port}/`);
    expect(await first.text()).toBe("allowed");
    // The server closed the socket, so this needs a new connection and a new answer: the private one.
    await expect(guardedFetch(`http://rebind.test:${allowed.port}/again`)).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(calls).toEqual(["rebind.test", "rebind.test"]);
    expect(allowed.hits).toBe(1);
    expect(forbidden.hits).toBe(0);
  });

  it("refuses when the resolver answers private first, and nothing connects", async () => {
    const allowed = await serve("127.0.0.2", 0, "allowed");
    const forbidden = await serve("127.0.0.1", allowed.port, "forbidden");
    const { resolve, calls } = tableResolver({ "rebind.test": [["127.0.0.1"], ["127.0.0.2"]] });
    const guardedFetch = createGuardedFetch({
      allowPrivateNetwork: true,
      resolve,
      isAllowedAddress: (address) => address === "127.0.0.2",
    });
    await expect(guardedFetch(`http://rebind.test:${allowed.port}/`)).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(calls).toEqual(["rebind.test"]);
    expect(forbidden.hits + allowed.hits).toBe(0);
  });

  it("checks IP literals in the dispatcher too, where net.connect skips the lookup", async () => {
    const server = await serve();
    const agent = guardedAgent({ allowPrivateNetwork: false });
    const error = await agent.request({ origin: server.url, path: "/", method: "GET" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect(server.hits).toBe(0);
  });

  it("returns redirects instead of following them, and accepts Request objects", async () => {
    const target = await serve();
    const server = await startTestServer((request, response) => {
      response.writeHead(302, { location: `${target.url}/`, "x-method": request.method ?? "" }).end();
    });
    servers.push(server);
    const guardedFetch = createGuardedFetch({ allowPrivateNetwork: true });
    const response = await guardedFetch(new Request(`${server.url}/start`, { method: "DELETE" }), { redirect: "follow" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${target.url}/`);
    expect(response.headers.get("x-method")).toBe("DELETE");
    expect(target.hits).toBe(0);
  });

  it("maps a refused connection to OutboundConnectError without the query", async () => {
    const server = await serve();
    const port = server.port;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const guardedFetch = createGuardedFetch({ allowPrivateNetwork: true });
    const error = await guardedFetch(`http://127.0.0.1:${port}/x?api_key=s3cr3t`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundConnectError);
    expect(statusOf((error as OutboundConnectError).code)).toBe(502);
    expect((error as Error).message).not.toContain("s3cr3t");
  });

  it("reuses one agent per option set", () => {
    expect(guardedAgent({ allowPrivateNetwork: false })).toBe(guardedAgent({ allowPrivateNetwork: false }));
    expect(guardedAgent({ allowPrivateNetwork: false })).not.toBe(guardedAgent({ allowPrivateNetwork: true }));
  });
});
