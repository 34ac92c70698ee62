import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEchoApi, type EchoApi, type EchoRecord } from "@/test/peers/echo-api";
import type { Resolver } from "./dispatcher";
import {
  OutboundBlockedError,
  OutboundConnectError,
  OutboundRedirectError,
  OutboundTimeoutError,
  OutboundTooLargeError,
} from "./errors";
import { guardedRequest, type GuardedResponse } from "./guarded-request";
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
const echoed = (response: GuardedResponse) => JSON.parse(response.body.toString("utf8")) as EchoRecord;
const header = (response: GuardedResponse, name: string) => response.headers.find(([key]) => key === name)?.[1];
const MiB = 1024 * 1024;

describe("guardedRequest", () => {
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
    expect(response.redirects).toBe(0);
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

  it("follows a redirect to an allowed host and counts it", async () => {
    const response = await guardedRequest({
      ...dev,
      url: `${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`,
      method: "GET",
    });
    expect(response.status).toBe(200);
    expect(response.redirects).toBe(1);
    expect(response.url).toBe(`${other.url}/landing`);
    expect(echoed(response).path).toBe("/landing");
  });

  it("refuses a redirect that leaves what the policy allows, and never reaches it", async () => {
    // Only names the injected resolver maps to the API are allowed: the redirect target is a bare loopback literal.
    const resolve: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const policy = { allowPrivateNetwork: true, resolve, isAllowedAddress: (_address: string, hostname: string) => hostname === "api.test" };
    const apiPort = new URL(api.url).port;
    const first = `http://api.test:${apiPort}/redirect?status=307&to=`;

    const toLiteral = guardedRequest({ ...policy, url: first + encodeURIComponent(`${other.url}/x?token=s3cr3t`), method: "GET" });
    const error = await toLiteral.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect((error as Error).message).toContain(`api.test:${apiPort}`);
    expect((error as Error).message).not.toContain("s3cr3t");

    const toName = guardedRequest({ ...policy, url: first + encodeURIComponent(`http://other.test:${new URL(other.url).port}/`), method: "GET" });
    await expect(toName).rejects.toBeInstanceOf(OutboundBlockedError); // refused inside the lookup

    expect(api.requests).toHaveLength(2);
    expect(other.requests).toHaveLength(0);
  });

  it("refuses redirects to other schemes and to credentials in the URL", async () => {
    for (const to of ["file:///etc/passwd", "http://user:pw@127.0.0.1/"]) {
      const request = guardedRequest({ ...dev, url: `${api.url}/redirect?to=${encodeURIComponent(to)}`, method: "GET" });
      await expect(request).rejects.toBeInstanceOf(OutboundBlockedError);
    }
  });

  it("stops a redirect loop after maxRedirects", async () => {
    const request = guardedRequest({ ...dev, url: `${api.url}/redirect`, method: "GET", maxRedirects: 3 });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRedirectError);
    expect((error as OutboundRedirectError).status).toBe(502);
    expect(api.requests).toHaveLength(4);
  });

  it("returns the 3xx as is when redirects are not followed", async () => {
    const response = await guardedRequest({ ...dev, url: `${api.url}/redirect?to=/next`, method: "GET", followRedirects: false });
    expect(response.status).toBe(302);
    expect(header(response, "location")).toBe("/next");
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    [303, "PUT", "GET"],
    [303, "POST", "GET"],
    [302, "POST", "GET"],
    [301, "POST", "GET"],
    [302, "PUT", "PUT"],
    [307, "POST", "POST"],
    [308, "PATCH", "PATCH"],
  ])("after %i a %s continues as %s", async (status, method, expected) => {
    const response = await guardedRequest({
      ...dev,
      url: `${api.url}/redirect?status=${status}&to=/after`,
      method,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    const record = echoed(response);
    expect(record.method).toBe(expected);
    expect(record.body).toBe(expected === "GET" ? "" : "a=1");
    expect(record.headers["content-type"]).toBe(expected === "GET" ? undefined : "application/x-www-form-urlencoded");
  });

  it("drops credentials on a cross-origin redirect and keeps them on a same-origin one", async () => {
    const headers = { Authorization: "Bearer secret-token", Cookie: "session=abc", "X-Custom": "kept" };
    const crossOrigin = await guardedRequest({
      ...dev,
      url: `${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`,
      method: "GET",
      headers,
    });
    expect(echoed(crossOrigin).headers).toMatchObject({ "x-custom": "kept" });
    expect(echoed(crossOrigin).headers.authorization).toBeUndefined();
    expect(echoed(crossOrigin).headers.cookie).toBeUndefined();

    const sameOrigin = await guardedRequest({ ...dev, url: `${api.url}/redirect?to=/landing`, method: "GET", headers });
    expect(echoed(sameOrigin).headers.authorization).toBe("Bearer secret-token");
  });

  it("lets onRedirect re-inject credentials or stop", async () => {
    const seen: string[] = [];
    const reinjected = await guardedRequest({
      ...dev,
      url: `${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`,
      method: "GET",
      headers: { authorization: "Bearer first" },
      onRedirect: (from, to) => {
        seen.push(`${from.host}->${to.host}`);
        return { headers: { Authorization: "Bearer for-other" } };
      },
    });
    expect(seen).toEqual([`${new URL(api.url).host}->${new URL(other.url).host}`]);
    expect(echoed(reinjected).headers.authorization).toBe("Bearer for-other");

    const stopped = await guardedRequest({ ...dev, url: `${api.url}/redirect?to=/x`, method: "GET", onRedirect: () => false });
    expect(stopped.status).toBe(302);
    expect(api.requests.filter((record) => record.path === "/x")).toHaveLength(0);
  });

  it("times out on a server that never answers", async () => {
    const started = Date.now();
    const request = guardedRequest({ ...dev, url: `${api.url}/slow?ms=60000&key=s3cr3t`, method: "GET", timeoutMs: 300 });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect((error as OutboundTimeoutError).status).toBe(504);
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

  it("caps a streamed body", async () => {
    const request = guardedRequest({ ...dev, url: `${api.url}/bytes?n=${2 * MiB}`, method: "GET", maxResponseBytes: MiB });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundTooLargeError);
    expect((error as OutboundTooLargeError).code).toBe("response_too_large");
  });

  it("caps on Content-Length before reading", async () => {
    const request = guardedRequest({ ...dev, url: `${api.url}/bytes?n=${2 * MiB}&length=1`, method: "GET", maxResponseBytes: MiB });
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
    for (const url of ["http://2130706433/", "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://user@example.com/"]) {
      await expect(guardedRequest({ allowPrivateNetwork: false, url, method: "GET" })).rejects.toBeInstanceOf(OutboundBlockedError);
    }
  });
});
