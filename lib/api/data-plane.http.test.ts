/**
 * The data plane over real HTTP (docs/architecture.md "The data plane"): a loopback server
 * running createDataPlane with a real engine, database and actor cache, called as a script
 * calls it. Streaming, the byte caps, Server-Timing, and the auth rules of docs/product.md §9.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessToken, revokeAccessToken } from "@/lib/auth/access-tokens";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startDataPlaneServer, type DataPlaneServer } from "@/test/harness/data-plane-server";
import {
  addConnection,
  addCredential,
  apiKeyEntry,
  createTestDatabase,
  databaseKinds,
  seedPeople,
  setupTestEnv,
  TEST_APP_URL,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";

const CAP = 256 * 1024;
const SERVER_TIMING = /^app;dur=\d+, upstream;dur=\d+$/;

let echo: EchoApi;

beforeAll(async () => {
  echo = await startEchoApi();
  setupTestEnv({
    extraEntries: [
      apiKeyEntry({ linkName: "t_dp_key", baseUrl: echo.url, params: [{ name: "x-api-key", paramType: "header" }] }),
    ],
  });
});

afterAll(async () => {
  await echo?.close();
});

describe.each(databaseKinds)("the data plane over HTTP (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  let plane: DataPlaneServer;
  let adaToken: string;
  let bobToken: string;

  const invoke = (token: string | null, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${plane.url}/api/v1/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const call = (token: string, path: string, connection = "dp_key") =>
    invoke(token, { connection, url: `${echo.url}${path}`, method: "GET" });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    const mine = await addConnection(database.db, people.ada, { service: "t_dp_key", linkName: "dp_key" });
    await addCredential(database.db, people.ada, mine.id, { type: "api_key", values: { "x-api-key": "ada-dp-key-7731" } });
    adaToken = (await createAccessToken(database.db, people.ada, { name: "dp" })).token;
    bobToken = (await createAccessToken(database.db, people.bob, { name: "dp" })).token;
    plane = await startDataPlaneServer(database.db, { engine: { maxResponseBytes: CAP } });
  });

  afterAll(async () => {
    await plane?.close();
    await database?.drop();
  });

  it("answers with the upstream's answer, the credential injected, and Server-Timing", async () => {
    const answer = await call(adaToken, "/whoami?x=1");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("server-timing")).toMatch(SERVER_TIMING);
    const seen = (await answer.json()) as { path: string; headers: Record<string, string> };
    expect(seen.path).toBe("/whoami");
    expect(seen.headers["x-api-key"]).toBe("ada-dp-key-7731");
  });

  it("answers an unknown name and someone else's 'Only me' connection alike, with Server-Timing", async () => {
    const unknown = await call(bobToken, "/x", "no_such_link");
    const private_ = await call(bobToken, "/x", "dp_key");
    expect(unknown.status).toBe(404);
    expect(private_.status).toBe(404);
    expect(unknown.headers.get("x-connections-error")).toBe("1");
    expect(unknown.headers.get("server-timing")).toMatch(SERVER_TIMING);
    const a = (await unknown.json()) as { error: { code: string; message: string } };
    const b = (await private_.json()) as { error: { code: string; message: string } };
    expect(b.error.code).toBe(a.error.code);
    expect(b.error.message.replace("dp_key", "NAME")).toBe(a.error.message.replace("no_such_link", "NAME"));
  });

  it("streams: the first bytes reach the caller while the upstream is still sending", async () => {
    const answer = await call(adaToken, "/hold");
    expect(answer.status).toBe(200);
    const reader = answer.body!.getReader();
    const first = await reader.read(); // buffering would wait here until release(), and the test would time out
    expect(new TextDecoder().decode(first.value)).toBe("first\n");
    echo.release();
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    expect(rest).toBe("rest\n");
  });

  it("refuses an answer declared larger than the cap with a clear error, before any byte", async () => {
    const answer = await call(adaToken, `/bytes?n=${CAP + 1}&length=1`);
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("response_too_large");
  });

  it("cuts off an undeclared answer at the cap by closing the connection", async () => {
    const answer = await call(adaToken, `/bytes?n=${CAP * 4}`);
    expect(answer.status).toBe(200);
    let received = 0;
    await expect(
      (async () => {
        const reader = answer.body!.getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) received += next.value.length;
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(CAP);
    // and the server goes on serving
    expect((await call(adaToken, "/after-cut")).status).toBe(200);
  });

  it("passes a body within the cap through, and buffers detailed answers", async () => {
    const answer = await invoke(adaToken, { connection: "dp_key", url: `${echo.url}/d`, method: "GET", detailed: true });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("server-timing")).toMatch(SERVER_TIMING);
    const detailed = (await answer.json()) as { responseCode: number; responseText: string };
    expect(detailed.responseCode).toBe(200);
    expect(JSON.parse(detailed.responseText).path).toBe("/d");
  });

  it("refuses a request body over the cap with 413", async () => {
    const small = await startDataPlaneServer(database.db, { maxRequestBytes: 1024 });
    try {
      const answer = await fetch(`${small.url}/api/v1/invoke`, {
        method: "POST",
        headers: { authorization: `Bearer ${adaToken}`, "content-type": "application/json" },
        body: JSON.stringify({ connection: "dp_key", url: `${echo.url}/big`, method: "POST", body: "x".repeat(4096) }),
      });
      expect(answer.status).toBe(413);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    } finally {
      await small.close();
    }
  });

  it("answers 413 to a chunked body (no Content-Length) that passes the cap as it streams, and closes the connection", async () => {
    const small = await startDataPlaneServer(database.db, { maxRequestBytes: 1024 });
    try {
      const answer = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        const req = httpRequest(
          `${small.url}/api/v1/invoke`,
          { method: "POST", headers: { authorization: `Bearer ${adaToken}`, "content-type": "application/json" } },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
          },
        );
        req.on("error", reject);
        // Chunked: the cap is only found while reading; the client is still sending.
        req.write("x".repeat(800));
        req.write("x".repeat(800));
      });
      expect(answer.status).toBe(413);
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe("request_too_large");
      expect(answer.connection).toBe("close");
    } finally {
      await small.close();
    }
  });

  it("takes the session cookie only from the app's own origin and with JSON (403, 415)", async () => {
    const cookie = "next-auth.session-token=not-a-real-session";
    const body = { connection: "dp_key", url: `${echo.url}/c`, method: "GET" };
    const foreign = await invoke(null, body, { cookie, origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    const sameSite = await invoke(null, body, { cookie, origin: "http://127.0.0.1:4000" });
    expect(sameSite.status).toBe(403);
    const notJson = await invoke(null, JSON.stringify(body), { cookie, origin: TEST_APP_URL, "content-type": "text/plain" });
    expect(notJson.status).toBe(415);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
    // Own origin and JSON get as far as the session, which this one is not.
    expect((await invoke(null, body, { cookie, origin: TEST_APP_URL })).status).toBe(401);
  });

  it("stops a revoked personal access token on the next call", async () => {
    const { token, accessToken } = await createAccessToken(database.db, people.ada, { name: "short-lived" });
    expect((await call(token, "/before")).status).toBe(200);
    await revokeAccessToken(database.db, people.ada, accessToken.id);
    expect((await call(token, "/after")).status).toBe(401);
  });

  it("answers a malformed body with a clear 400 and keeps the connection usable", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${plane.url}/api/v1/invoke`,
        { method: "POST", headers: { authorization: `Bearer ${adaToken}`, "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end("{not json");
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toMatch(/JSON/);
  });
});
