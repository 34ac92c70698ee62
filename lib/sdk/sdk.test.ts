import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  invokeMethods,
  type InvokeDetailedResponse as SchemaDetailed,
  type InvokeRequestInput as SchemaRequestInput,
} from "@/lib/validation/invoke";
import {
  ConnectionsApiError,
  ConnectionsClient,
  INVOKE_METHODS,
  UpstreamHttpError,
  type InvokeDetailedResponse,
  type InvokeRequest,
} from "./index";

/** A fake of POST /api/v1/invoke on loopback: records what it received, answers what the test says. */
type Received = { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string };
type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

let server: Server;
let baseUrl: string;
let received: Received[] = [];
let answer: Answer = { status: 200 };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const send = () => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  answer = { status: 200 };
});

const ownError = (status: number, code: string, message: string): Answer => ({
  status,
  headers: { "content-type": "application/json", "x-connections-error": "1" },
  body: JSON.stringify({ error: { code, message } }),
});

const client = () => new ConnectionsClient({ baseUrl, token: "cxn_test_token" });
const request = {
  connection: "example_api",
  url: "https://api.example.com/v1/items",
  method: "POST",
  parameters: { page: 2, all: true },
  headers: { "x-trace": "1" },
} satisfies InvokeRequest;

describe("types", () => {
  it("mirror lib/validation/invoke.ts", () => {
    expectTypeOf<InvokeRequest>().toEqualTypeOf<SchemaRequestInput>();
    expectTypeOf<InvokeDetailedResponse>().toEqualTypeOf<SchemaDetailed>();
    expect([...INVOKE_METHODS]).toEqual([...invokeMethods]);
  });

  it("overloads: detailed → the detailed shape, otherwise the generic body", () => {
    const c = client();
    const call = () => c.invoke({ ...request, detailed: true });
    expectTypeOf(call).returns.resolves.toEqualTypeOf<InvokeDetailedResponse>();
    const plain = () => c.invoke<{ items: string[] }>(request);
    expectTypeOf(plain).returns.resolves.toEqualTypeOf<{ items: string[] }>();
    expectTypeOf(() => c.invokeRaw(request)).returns.resolves.toEqualTypeOf<Response>();
    const dynamic = (detailed: boolean) => c.invoke<{ items: string[] }>({ ...request, detailed });
    expectTypeOf(dynamic).returns.resolves.toEqualTypeOf<{ items: string[] } | InvokeDetailedResponse>();
  });
});

describe("ConnectionsClient", () => {
  it("sends POST /api/v1/invoke with the bearer token and the request as JSON", async () => {
    answer = { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' };
    await client().invoke(request);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/api/v1/invoke");
    expect(r.headers.authorization).toBe("Bearer cxn_test_token");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual(request);
  });

  it("keeps a path prefix of the base URL and drops trailing slashes", async () => {
    answer = { status: 200, body: "x" };
    await new ConnectionsClient({ baseUrl: `${baseUrl}/connections/`, token: "cxn_a" }).invoke(request);
    expect(received[0].url).toBe("/connections/api/v1/invoke");
  });

  it("returns parsed JSON when the upstream answered JSON", async () => {
    answer = { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: '{"items":["a","b"]}' };
    const body = await client().invoke<{ items: string[] }>(request);
    expect(body).toEqual({ items: ["a", "b"] });
    answer = { status: 200, headers: { "content-type": "application/vnd.api+json" }, body: "[1,2]" };
    expect(await client().invoke(request)).toEqual([1, 2]);
  });

  it("returns text when the upstream answered something else, or malformed JSON", async () => {
    answer = { status: 200, headers: { "content-type": "text/plain" }, body: "hello" };
    expect(await client().invoke(request)).toBe("hello");
    answer = { status: 200, headers: { "content-type": "application/json" }, body: "{not json" };
    expect(await client().invoke(request)).toBe("{not json");
    answer = { status: 204 };
    expect(await client().invoke(request)).toBe("");
  });

  it("returns the detailed exchange with detailed: true", async () => {
    const detailed = { responseCode: 404, responseHeader: { "content-type": "text/plain" }, responseText: "nope" };
    answer = { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(detailed) };
    const result = await client().invoke({ ...request, detailed: true });
    expect(result).toEqual(detailed);
    expect(JSON.parse(received[0].body).detailed).toBe(true);
  });

  it("throws ConnectionsApiError for the app's own errors (code, status, message)", async () => {
    answer = ownError(409, "needs_reauth", 'The connection "example_api" needs re-authentication');
    const error = await client()
      .invoke(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionsApiError);
    expect(error).toMatchObject({
      code: "needs_reauth",
      status: 409,
      message: 'The connection "example_api" needs re-authentication',
    });

    answer = ownError(401, "unauthenticated", "The access token is missing, malformed, unknown or revoked");
    await expect(client().invokeRaw(request)).rejects.toMatchObject({
      name: "ConnectionsApiError",
      code: "unauthenticated",
      status: 401,
    });

    answer = ownError(400, "host_not_allowed", "not allowed");
    await expect(client().invoke({ ...request, detailed: true })).rejects.toMatchObject({
      code: "host_not_allowed",
      status: 400,
    });
  });

  it("in detailed mode, takes any non-2xx answer as the app's (upstream answers come as 200)", async () => {
    answer = { status: 404, headers: { "content-type": "text/html" }, body: "<h1>Not found</h1>" };
    await expect(client().invoke({ ...request, detailed: true })).rejects.toMatchObject({
      name: "ConnectionsApiError",
      code: "http_404",
      status: 404,
    });
  });

  it("throws UpstreamHttpError for an upstream non-2xx answer, with its status and body", async () => {
    // Same JSON shape as ours, but without the header: it is the upstream's.
    answer = { status: 404, headers: { "content-type": "application/json" }, body: '{"error":{"code":"x","message":"y"}}' };
    const error = await client()
      .invoke(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamHttpError);
    const upstream = error as UpstreamHttpError;
    expect(upstream.status).toBe(404);
    expect(upstream.body).toBe('{"error":{"code":"x","message":"y"}}');
    expect(upstream.data).toEqual({ error: { code: "x", message: "y" } });
    expect(upstream.headers.get("content-type")).toBe("application/json");
  });

  it("returns the upstream error body with throwOnUpstreamError: false", async () => {
    answer = { status: 500, headers: { "content-type": "text/plain" }, body: "boom" };
    expect(await client().invoke(request, { throwOnUpstreamError: false })).toBe("boom");
  });

  it("invokeRaw returns upstream responses of any status unchanged", async () => {
    answer = { status: 418, headers: { "content-type": "text/plain", "x-upstream": "yes" }, body: "teapot" };
    const response = await client().invokeRaw(request);
    expect(response.status).toBe(418);
    expect(response.headers.get("x-upstream")).toBe("yes");
    expect(await response.text()).toBe("teapot");

    answer = { status: 302, headers: { location: "https://elsewhere.example/" } };
    const redirect = await client().invokeRaw(request);
    expect(redirect.status).toBe(302);
    expect(received).toHaveLength(2);
  });

  it("a marked error without our JSON body still throws ConnectionsApiError", async () => {
    answer = { status: 500, headers: { "content-type": "application/json", "x-connections-error": "1" }, body: "oops" };
    await expect(client().invoke(request)).rejects.toMatchObject({ name: "ConnectionsApiError", code: "http_500", status: 500 });
  });

  it("times out with ConnectionsApiError code timeout", async () => {
    answer = { status: 200, body: "late", delayMs: 500 };
    const c = new ConnectionsClient({ baseUrl, token: "cxn_a", timeoutMs: 50 });
    await expect(c.invoke(request)).rejects.toMatchObject({ name: "ConnectionsApiError", code: "timeout", status: 0 });
  });

  it("reports an unreachable app as ConnectionsApiError code network_error", async () => {
    const c = new ConnectionsClient({ baseUrl: "http://127.0.0.1:1", token: "cxn_a" });
    await expect(c.invoke(request)).rejects.toMatchObject({ name: "ConnectionsApiError", code: "network_error", status: 0 });
  });

  it("lets the caller abort with its own signal", async () => {
    answer = { status: 200, body: "late", delayMs: 500 };
    const controller = new AbortController();
    const pending = client().invoke(request, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(pending).rejects.toThrow("stop");
  });

  it("uses the fetch it is given", async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response('{"a":1}', { status: 200, headers: { "content-type": "application/json" } });
    };
    const c = new ConnectionsClient({ baseUrl: "https://connections.example.com", token: "cxn_a", fetch: fakeFetch });
    expect(await c.invoke(request)).toEqual({ a: 1 });
    expect(calls).toEqual(["https://connections.example.com/api/v1/invoke"]);
  });

  it("refuses a missing token or a relative base URL", () => {
    expect(() => new ConnectionsClient({ baseUrl, token: "" })).toThrow(/token is required/);
    expect(() => new ConnectionsClient({ baseUrl: "/relative", token: "cxn_a" })).toThrow(/absolute URL/);
    expect(() => new ConnectionsClient({ baseUrl: "ftp://x", token: "cxn_a" })).toThrow(/https:\/\//);
  });
});
