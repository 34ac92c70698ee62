import { statusOf } from "@/lib/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEchoApi, type EchoApi, type EchoRecord } from "@/test/peers/echo-api";
import { OutboundBlockedError, OutboundConnectError, OutboundTimeoutError, OutboundTooLargeError } from "./errors";
import { Cancellation } from "./cancellation";
import { exchange, guardedRequest as request, type ExchangeOptions, type GuardedResponse } from "./exchange";
import { startTestServer, type TestServer } from "@/test/peers/test-server";

let api: EchoApi;
let other: EchoApi;
const extraServers: TestServer[] = [];

beforeEach(async () => {
  api = await startEchoApi();
  other = await startEchoApi();
});
afterEach(async () => {
  await Promise.all([api.close(), other.close(), ...extraServers.splice(0).map((server) => server.close())]);
});

const dev = { allowPrivateNetwork: true } as const;
/** One buffered exchange with the bounds of the invoke engine's defaults unless the test sets its own. */
const guardedRequest = (options: Omit<ExchangeOptions, "timeoutMs"> & { timeoutMs?: number; maxResponseBytes?: number }) =>
  request({ timeoutMs: 40_000, maxResponseBytes: 15 * MiB, ...options });
const echoed = (response: GuardedResponse) => JSON.parse(response.body.toString("utf8")) as EchoRecord;
const header = (response: GuardedResponse, name: string) => response.headers.find(([key]) => key === name)?.[1];
const MiB = 1024 * 1024;

describe("exchange", () => {
  it("sends the request as given and returns status, headers and body", async () => {
    const response = await guardedRequest({
      ...dev,
      url: `${api.url}/v1/items?a=1&a=2`,
      method: "post",
      headers: { "Content-Type": "application/json", "X-Trace": "t1" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(header(response, "content-type")).toBe("application/json");
    expect(response.url).toBe(`${api.url}/v1/items?a=1&a=2`);
    const record = echoed(response);
    expect(record).toMatchObject({ method: "POST", path: "/v1/items", query: { a: ["1", "2"] }, json: { name: "x" } });
    expect(record.headers["x-trace"]).toBe("t1");
    expect(record.headers["user-agent"]).toBe("Connections");
  });

  it("returns upstream errors as they came", async () => {
    const response = await guardedRequest({ ...dev, url: `${api.url}/status/418`, method: "GET" });
    expect(response.status).toBe(418);
    expect(JSON.parse(response.body.toString()).status).toBe(418);
  });

  it("returns a redirect as it came: following it is the invoke engine's (lib/invoke/redirects.ts)", async () => {
    const response = await guardedRequest({ ...dev, url: `${api.url}/redirect?to=/next`, method: "GET" });
    expect(response.status).toBe(302);
    expect(header(response, "location")).toBe("/next");
    expect(api.requests).toHaveLength(1);
  });

  it("times out on a server that never answers", async () => {
    const started = Date.now();
    const request = guardedRequest({ ...dev, url: `${api.url}/slow?ms=60000&key=s3cr3t`, method: "GET", timeoutMs: 300 });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(statusOf((error as OutboundTimeoutError).code)).toBe(504);
    expect((error as Error).message).not.toContain("s3cr3t");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("times out while the body is still streaming", async () => {
    const stalling = await startTestServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("partial"); // and never ends
    });
    extraServers.push(stalling);
    const request = guardedRequest({ ...dev, url: stalling.url, method: "GET", timeoutMs: 300 });
    await expect(request).rejects.toBeInstanceOf(OutboundTimeoutError);
  });

  it.each([
    [
      "an AbortController's signal",
      () => {
        const controller = new AbortController();
        return { signal: controller.signal, abort: (reason: Error) => controller.abort(reason) };
      },
    ],
    [
      "a Cancellation (the data plane's)",
      () => {
        const cancellation = new Cancellation();
        return { signal: cancellation, abort: (reason: Error) => cancellation.abort(reason) };
      },
    ],
  ] as const)("stops when the caller cancels with %s, before the headers and while the body streams", async (_kind, make) => {
    const upstreamClosed: Array<Promise<void>> = [];
    const stalling = await startTestServer((request, response) => {
      upstreamClosed.push(new Promise((resolve) => request.socket.once("close", () => resolve())));
      if (request.url === "/body") {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("partial"); // and never ends
      } // else never answers
    });
    extraServers.push(stalling);
    const reason = new Error("the caller went away");

    const beforeHeaders = make();
    const waiting = exchange({
      ...dev,
      url: `${stalling.url}/headers`,
      method: "GET",
      timeoutMs: 30_000,
      signal: beforeHeaders.signal,
    });
    setTimeout(() => beforeHeaders.abort(reason), 50);
    await expect(waiting).rejects.toBe(reason);

    const duringBody = make();
    const answer = await exchange({
      ...dev,
      url: `${stalling.url}/body`,
      method: "GET",
      timeoutMs: 30_000,
      signal: duringBody.signal,
    });
    const reading = answer.readBody(1024);
    setTimeout(() => duringBody.abort(reason), 50);
    await expect(reading).rejects.toBe(reason);
    // Nothing is left waiting on the upstream: both requests' connections were closed.
    await Promise.all(upstreamClosed);

    const already = make();
    already.abort(reason);
    await expect(
      exchange({ ...dev, url: `${stalling.url}/headers`, method: "GET", timeoutMs: 30_000, signal: already.signal }),
    ).rejects.toBe(reason);
  });

  it("caps a streamed body", async () => {
    const request = guardedRequest({ ...dev, url: `${api.url}/bytes?n=${2 * MiB}`, method: "GET", maxResponseBytes: MiB });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundTooLargeError);
    expect((error as OutboundTooLargeError).code).toBe("response_too_large");
  });

  it("caps on Content-Length before reading", async () => {
    const request = guardedRequest({
      ...dev,
      url: `${api.url}/bytes?n=${2 * MiB}&length=1`,
      method: "GET",
      maxResponseBytes: MiB,
    });
    await expect(request).rejects.toBeInstanceOf(OutboundTooLargeError);
  });

  it("accepts a body of exactly the cap", async () => {
    const response = await guardedRequest({ ...dev, url: `${api.url}/bytes?n=${MiB}`, method: "GET", maxResponseBytes: MiB });
    expect(response.body.length).toBe(MiB);
  });

  it("reports an unreachable host as a connection error", async () => {
    const port = new URL(other.url).port;
    await other.close();
    other = await startEchoApi(); // afterEach closes something that exists
    const request = guardedRequest({ ...dev, url: `http://127.0.0.1:${port}/?key=s3cr3t`, method: "GET" });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundConnectError);
    expect((error as Error).message).not.toContain("s3cr3t");
  });

  it.each(["CONNECT", "trace", "GET /x HTTP/1.1"])("refuses the method %s", async (method) => {
    await expect(guardedRequest({ ...dev, url: api.url, method })).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(api.requests).toHaveLength(0);
  });

  it("refuses headers that would split the request", async () => {
    const request = guardedRequest({ ...dev, url: api.url, method: "GET", headers: { "x-a": "1\r\nx-injected: 2" } });
    await expect(request).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(api.requests).toHaveLength(0);
  });

  it("applies the production policy without any network access", async () => {
    for (const url of [
      "http://2130706433/",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/",
      "https://user@example.com/",
    ]) {
      await expect(guardedRequest({ allowPrivateNetwork: false, url, method: "GET" })).rejects.toBeInstanceOf(
        OutboundBlockedError,
      );
    }
  });
});
