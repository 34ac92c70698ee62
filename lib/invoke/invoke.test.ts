/**
 * The invoke engine end to end below HTTP, against loopback peers: the echo API (reports
 * what it received) and the OAuth 1.0a provider (verifies signatures with the independent
 * `oauth-1.0a` package). Injection for each auth type × param type, docs/product.md §5 credential
 * choice, allowed hosts, redirects, bounds, detailed form, last used.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, credentials } from "@/db/schema";
import { startEchoApi, type EchoApi, type EchoRecord } from "@/test/peers/echo-api";
import { startOAuth1Provider, type OAuth1Provider } from "@/test/peers/oauth1-provider";
import { errorBody } from "@/lib/api/error-response";
import { systemResolver } from "@/lib/http/dispatcher";
import { onCall, type CallEvent } from "@/lib/observe/events";
import { buildAuthorizeUrl, fetchAccessToken, fetchRequestToken } from "@/lib/oauth1";
import type { ParamType } from "@/lib/validation/enums";
import { createTestDatabase, type TestDatabase } from "@/test/harness";
import { invokeResultToResponse } from "@/lib/api/invoke-response";
import { createInvokeEngine, invokeConnection, type InvokeEngine, type InvokeResult } from "./invoke";
import type { InvokeRequestInput } from "@/lib/validation/invoke";
import {
  addConnection,
  addCredential,
  apiKeyEntry,
  basicEntry,
  setupTestEnv,
  oauth1Entry,
  oauth2Entry,
  rejection,
  seedPeople,
  setOrgClient,
  TEST_APP_URL,
  TEST_REDIRECT_URI,
  type DemoPeople,
} from "@/test/harness";

const ELSEWHERE = "elsewhere.test";
const paramTypes: ParamType[] = ["query", "form", "header"];

let echo: EchoApi;
let oauth1: OAuth1Provider;
let database: TestDatabase;
let people: DemoPeople;
let engine: InvokeEngine;
const ids: Record<string, string> = {};

beforeAll(async () => {
  echo = await startEchoApi();
  oauth1 = await startOAuth1Provider({ host: "127.0.0.1" });
  setupTestEnv({
    extraEntries: [
      apiKeyEntry({ linkName: "t_key_query", baseUrl: echo.url, params: [{ name: "api_key", paramType: "query" }] }),
      apiKeyEntry({ linkName: "t_key_form", baseUrl: echo.url, params: [{ name: "api_key", paramType: "form" }] }),
      apiKeyEntry({
        linkName: "t_key_header",
        baseUrl: echo.url,
        params: [
          { name: "X-Api-Key", paramType: "header" },
          { name: "Authorization", paramType: "header", prefix: "Token " },
        ],
      }),
      basicEntry({ linkName: "t_basic", baseUrl: echo.url }),
      oauth2Entry({ linkName: "t_o2_header", baseUrl: echo.url, tokenUrl: `${echo.url}/token`, paramType: "header" }),
      oauth2Entry({ linkName: "t_o2_query", baseUrl: echo.url, tokenUrl: `${echo.url}/token`, paramType: "query" }),
      ...paramTypes.map((paramType) =>
        oauth1Entry({ linkName: `t_o1_${paramType}`, baseUrl: oauth1.url, providerUrl: oauth1.url, paramType }),
      ),
    ],
  });
  database = await createTestDatabase("pglite");
  const { db } = database;
  people = await seedPeople(db);
  const { ada } = people;
  engine = createInvokeEngine({
    resolve: async (host) => (host === ELSEWHERE ? [{ address: "127.0.0.1", family: 4 }] : systemResolver(host)),
  });

  const add = async (service: string, linkName: string, payload: Parameters<typeof addCredential>[3], shared = false) => {
    const c = await addConnection(db, ada, { service, linkName, shared });
    ids[linkName] = c.id;
    await addCredential(db, ada, c.id, payload);
  };
  await add("t_key_query", "key_query", { type: "api_key", values: { api_key: "ada-query-key" } });
  await add("t_key_form", "key_form", { type: "api_key", values: { api_key: "ada-form-key" } });
  await add("t_key_header", "key_header", {
    type: "api_key",
    values: { "X-Api-Key": "ada-header-key", Authorization: "ada-token" },
  });
  await add("t_basic", "basic", { type: "basic", username: "ada", password: "s3cr3t: pässword" });
  await add("t_o2_header", "o2_header", { type: "oauth2", accessToken: "ada-access-token", tokenType: "bearer" });
  await add("t_o2_query", "o2_query", { type: "oauth2", accessToken: "ada-access-token-q", tokenType: "bearer" });
  await add(
    "t_key_header",
    "shared_key",
    { type: "api_key", values: { "X-Api-Key": "ada-shared", Authorization: "ada-t" } },
    true,
  );

  // OAuth 1.0a: the organization's consumer, and an access token from the provider's own flow.
  for (const paramType of paramTypes) {
    await setOrgClient(db, ada.orgId, `t_o1_${paramType}`, oauth1.consumerKey, oauth1.consumerSecret);
    const base = { consumerKey: oauth1.consumerKey, consumerSecret: oauth1.consumerSecret, paramType, fetch };
    const temp = await fetchRequestToken({
      ...base,
      requestTokenUrl: `${oauth1.url}/oauth/request_token`,
      callbackUrl: TEST_REDIRECT_URI,
    });
    await fetch(buildAuthorizeUrl(`${oauth1.url}/oauth/authorize`, temp.token));
    const allow = await fetch(`${oauth1.url}/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ oauth_token: temp.token, decision: "allow" }).toString(),
      redirect: "manual",
    });
    const verifier = new URL(allow.headers.get("location")!).searchParams.get("oauth_verifier")!;
    const access = await fetchAccessToken({
      ...base,
      accessTokenUrl: `${oauth1.url}/oauth/access_token`,
      token: temp.token,
      tokenSecret: temp.tokenSecret,
      verifier,
    });
    await add(`t_o1_${paramType}`, `o1_${paramType}`, { type: "oauth1", token: access.token, tokenSecret: access.tokenSecret });
  }
});

afterAll(async () => {
  await database?.drop();
  await echo?.close();
  await oauth1?.close();
});

async function call(
  input: Omit<InvokeRequestInput, "connection"> & { connection: string },
  actor = people.ada,
): Promise<InvokeResult & { kind: "upstream" }> {
  const result = await engine.invoke(database.db, actor, input);
  if (result.kind !== "upstream") throw new Error("expected the upstream response");
  return result;
}

async function echoed(
  input: Omit<InvokeRequestInput, "connection"> & { connection: string },
  actor = people.ada,
): Promise<EchoRecord> {
  const result = await call(input, actor);
  expect(result.status).toBe(200);
  return JSON.parse(result.body.toString("utf8")) as EchoRecord;
}

describe("injection against the echo API", () => {
  it("API key in the query string, a caller's parameter of the same name dropped", async () => {
    const r = await echoed({ connection: "key_query", url: `${echo.url}/items?api_key=mine`, parameters: { page: 2 } });
    expect(r.query).toEqual({ page: "2", api_key: "ada-query-key" });
  });

  it("API key in form data (POST), and in the query string on GET (no form body there)", async () => {
    const post = await echoed({ connection: "key_form", url: `${echo.url}/items`, method: "POST", parameters: { name: "x y" } });
    expect(post.form).toEqual({ name: "x y", api_key: "ada-form-key" });
    expect(post.query).toEqual({});
    const get = await echoed({ connection: "key_form", url: `${echo.url}/items` });
    expect(get.query).toEqual({ api_key: "ada-form-key" });
  });

  it("API key headers, with prefix; the caller cannot override them", async () => {
    const r = await echoed({
      connection: "key_header",
      url: `${echo.url}/items`,
      headers: { "x-api-key": "forged", authorization: "forged", "X-Trace": "t1" },
    });
    expect(r.headers["x-api-key"]).toBe("ada-header-key");
    expect(r.headers.authorization).toBe("Token ada-token");
    expect(r.headers["x-trace"]).toBe("t1");
  });

  it("Basic header; the caller's Authorization is dropped", async () => {
    const r = await echoed({ connection: "basic", url: `${echo.url}/me`, headers: { Authorization: "Basic Zm9yZ2Vk" } });
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from("ada:s3cr3t: pässword").toString("base64")}`);
  });

  it("OAuth 2 Bearer header and access_token query parameter", async () => {
    const h = await echoed({
      connection: "o2_header",
      url: `${echo.url}/oauth/protected`,
      headers: { authorization: "Bearer forged" },
    });
    expect(h).toMatchObject({ token: "ada-access-token" });
    const q = await echoed({ connection: "o2_query", url: `${echo.url}/oauth/protected?access_token=forged` });
    expect(q).toMatchObject({ token: "ada-access-token-q" });
  });

  describe.each(paramTypes)("OAuth 1.0a signature in the %s, verified by the provider", (paramType) => {
    it("GET with query parameters", async () => {
      const result = await call({
        connection: `o1_${paramType}`,
        url: `${oauth1.url}/api/echo?x=!*'()`,
        parameters: { q: "a b+c" },
      });
      const body = JSON.parse(result.body.toString("utf8"));
      expect(result.status, result.body.toString()).toBe(200);
      expect(body).toMatchObject({ ok: true, method: "GET", query: { x: "!*'()", q: "a b+c" } });
      expect(body.authorizationHeaderPresent).toBe(paramType === "header");
    });

    it("POST with form parameters, the caller's Authorization dropped", async () => {
      const result = await call({
        connection: `o1_${paramType}`,
        url: `${oauth1.url}/api/echo`,
        method: "POST",
        parameters: { status: "héllo wörld & more" },
        headers: { Authorization: "OAuth forged" },
      });
      expect(result.status, result.body.toString()).toBe(200);
      const body = JSON.parse(result.body.toString("utf8"));
      expect(body.form).toMatchObject({ status: "héllo wörld & more" });
      if (paramType === "form") expect(body.form.oauth_signature).toBeTruthy();
      if (paramType === "query") expect(body.query.oauth_signature).toBeTruthy();
    });
  });
});

describe("docs/product.md §7 parameters, detailed form, upstream answers", () => {
  it("GET/DELETE → query; POST/PUT/PATCH → form; with a body → query and the body as is", async () => {
    const get = await echoed({ connection: "key_header", url: `${echo.url}/p`, parameters: { a: "1" } });
    expect([get.method, get.query, get.body]).toEqual(["GET", { a: "1" }, ""]);
    const del = await echoed({ connection: "key_header", url: `${echo.url}/p`, method: "DELETE", parameters: { a: "1" } });
    expect([del.method, del.query, del.body]).toEqual(["DELETE", { a: "1" }, ""]);
    for (const method of ["POST", "PUT", "PATCH"] as const) {
      const r = await echoed({ connection: "key_header", url: `${echo.url}/p`, method, parameters: { a: "1", b: true } });
      expect([r.method, r.query, r.form]).toEqual([method, {}, { a: "1", b: "true" }]);
    }
    const withBody = await echoed({
      connection: "key_header",
      url: `${echo.url}/p`,
      method: "POST",
      parameters: { a: "1" },
      body: '{"x":1}',
    });
    expect(withBody.query).toEqual({ a: "1" });
    expect(withBody.json).toEqual({ x: 1 });
    expect(withBody.headers["content-type"]).toBe("application/json");
  });

  it("detailed: { responseCode, responseHeader, responseText }", async () => {
    const result = await engine.invoke(database.db, people.ada, {
      connection: "key_header",
      url: `${echo.url}/status/201`,
      method: "POST",
      body: "hi",
      detailed: true,
    });
    expect(result.kind).toBe("detailed");
    if (result.kind !== "detailed") return;
    expect(result.detailed.responseCode).toBe(201);
    expect(result.detailed.responseHeader["content-type"]).toBe("application/json");
    expect(JSON.parse(result.detailed.responseText)).toMatchObject({ status: 201, request: { body: "hi" } });
  });

  it("detailed answers leave out the upstream's cookies; plain answers never pass them to our origin", async () => {
    const detailed = await engine.invoke(database.db, people.ada, {
      connection: "key_header",
      url: `${echo.url}/cookie`,
      detailed: true,
    });
    if (detailed.kind !== "detailed") throw new Error("expected the detailed form");
    expect(detailed.detailed.responseCode).toBe(200);
    expect(detailed.detailed.responseHeader["set-cookie"]).toBeUndefined();
    expect(detailed.detailed.responseText).not.toContain("s3ss10n");
    const plain = await call({ connection: "key_header", url: `${echo.url}/cookie` });
    expect(plain.headers.filter(([name]) => name === "set-cookie")).toHaveLength(2); // the engine sees them...
    expect(invokeResultToResponse(plain).headers.get("set-cookie")).toBeNull(); // ...the caller's browser never does
  });

  it("upstream errors come back as they came: status, headers, body", async () => {
    const r = await call({ connection: "key_header", url: `${echo.url}/status/418` });
    expect(r.status).toBe(418);
    expect(r.headers).toContainEqual(["content-type", "application/json"]);
    expect(JSON.parse(r.body.toString())).toMatchObject({ status: 418 });
    const response = invokeResultToResponse(r);
    expect(response.status).toBe(418);
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
  });

  it("the default engine (invokeConnection) works the same way", async () => {
    const result = await invokeConnection(database.db, people.ada, { connection: "key_query", url: `${echo.url}/d` });
    expect(result.kind === "upstream" && result.status).toBe(200);
  });

  it("records last used on the connection and the credential", async () => {
    await call({ connection: "basic", url: `${echo.url}/used` });
    await engine.flush();
    const [c] = await database.db.select().from(connections).where(eq(connections.id, ids.basic));
    const [cred] = await database.db.select().from(credentials).where(eq(credentials.connectionId, ids.basic));
    expect(c.lastUsedAt).toBeInstanceOf(Date);
    expect(cred.lastUsedAt).toBeInstanceOf(Date);
    expect(Date.now() - cred.lastUsedAt!.getTime()).toBeLessThan(10_000);
  });
});

describe("who may call, with whose credential (docs/product.md §5)", () => {
  it('an "Everyone in my organization" connection of ada, called by bob, runs with ada\'s credential', async () => {
    const c = await addConnection(database.db, people.ada, {
      service: "t_key_header",
      linkName: "team_key",
      access: "organization",
    });
    await addCredential(database.db, people.ada, c.id, {
      type: "api_key",
      values: { "X-Api-Key": "ada-team-key", Authorization: "t" },
    });
    const calls: CallEvent[] = [];
    const stop = onCall((event) => calls.push(event));
    try {
      const r = await echoed({ connection: "team_key", url: `${echo.url}/who` }, people.bob);
      expect(r.headers["x-api-key"]).toBe("ada-team-key");
    } finally {
      stop();
    }
    // Every call records who made it, apart from whose credential it used (docs/product.md §5).
    expect(calls).toEqual([
      expect.objectContaining({ connectionId: c.id, callerId: people.bob.id, credentialUserId: people.ada.id, path: "/who" }),
    ]);
  });

  it('an "Only me" connection of ada, called by bob, answers exactly as a link name that does not exist', async () => {
    const before = echo.requests.length;
    const mine = await rejection(engine.invoke(database.db, people.bob, { connection: "key_header", url: `${echo.url}/x` }));
    const none = await rejection(engine.invoke(database.db, people.bob, { connection: "key_headex", url: `${echo.url}/x` }));
    const shape = (e: unknown) => {
      const { status, body } = errorBody(e);
      return { status, code: body.error.code, message: body.error.message.replace(/"[a-z_]+"/, '"…"') };
    };
    expect(shape(mine)).toEqual(shape(none));
    expect(shape(mine)).toMatchObject({ status: 404, code: "not_found" });
    expect(echo.requests.length).toBe(before); // the credential went nowhere
    // The owner's own call still works.
    expect((await echoed({ connection: "key_header", url: `${echo.url}/who` })).headers["x-api-key"]).toBe("ada-header-key");
  });

  it("a personal access token restricted to other connections finds this one as not existing", async () => {
    const viaToken = { ...people.ada, token: { id: "token-1", connectionIds: [ids.key_query] } };
    const error = await rejection(engine.invoke(database.db, viaToken, { connection: "key_header", url: `${echo.url}/x` }));
    expect(errorBody(error)).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await echoed({ connection: "key_query", url: `${echo.url}/ok` }, viaToken)).query.api_key).toBe("ada-query-key");
  });

  it("eve (another organization) does not see it: not_found", async () => {
    const error = await rejection(engine.invoke(database.db, people.eve, { connection: "key_header", url: `${echo.url}/x` }));
    expect(errorBody(error)).toEqual({ status: 404, body: { error: { code: "not_found", message: expect.any(String) } } });
    const unknown = await rejection(engine.invoke(database.db, people.ada, { connection: "no_such_link", url: `${echo.url}/x` }));
    expect(unknown.code).toBe("not_found");
  });

  it("a shared connection bob has not authorized: not_authorized_by_you with the link; then his own credential", async () => {
    const before = echo.requests.length;
    const error = await rejection(engine.invoke(database.db, people.bob, { connection: "shared_key", url: `${echo.url}/x` }));
    const { status, body } = errorBody(error);
    expect(status).toBe(403);
    expect(body.error.code).toBe("not_authorized_by_you");
    expect(body.error.message).toContain(`${TEST_APP_URL}/connections/${ids.shared_key}`);
    expect(body.error.message).toContain("not authorized by you yet"); // docs/product.md §5's words
    expect(echo.requests.length).toBe(before);

    await addCredential(database.db, people.bob, ids.shared_key, {
      type: "api_key",
      values: { "X-Api-Key": "bob-own", Authorization: "bob-t" },
    });
    const bob = await echoed({ connection: "shared_key", url: `${echo.url}/x` }, people.bob);
    expect(bob.headers["x-api-key"]).toBe("bob-own");
    const ada = await echoed({ connection: "shared_key", url: `${echo.url}/x` });
    expect(ada.headers["x-api-key"]).toBe("ada-shared");
  });
});

describe("outbound safety", () => {
  it("host_not_allowed for a host the service does not list; nothing is sent", async () => {
    const before = echo.requests.length;
    const error = await rejection(
      engine.invoke(database.db, people.ada, {
        connection: "key_header",
        url: `http://${ELSEWHERE}:${new URL(echo.url).port}/x`,
      }),
    );
    expect(errorBody(error)).toMatchObject({ status: 400, body: { error: { code: "host_not_allowed" } } });
    expect(error.message).not.toContain("ada-header-key");
    expect(echo.requests.length).toBe(before);
  });

  it("a redirect to an allowed host carries the credential again", async () => {
    const to = `${echo.url}/landed`;
    const r = await echoed({ connection: "key_header", url: `${echo.url}/redirect?to=${encodeURIComponent(to)}` });
    expect(r.path).toBe("/landed");
    expect(r.headers["x-api-key"]).toBe("ada-header-key");
  });

  it("a redirect to a host the service does not allow carries no credential (header, bearer, query, 307 form body)", async () => {
    const away = `http://${ELSEWHERE}:${new URL(echo.url).port}/away`;
    const via = (status = 302) => `${echo.url}/redirect?status=${status}&to=${encodeURIComponent(away)}`;

    const header = await echoed({ connection: "key_header", url: via(), headers: { Cookie: "c=1", "X-Trace": "t" } });
    expect(header.path).toBe("/away");
    expect(header.headers.host).toBe(`${ELSEWHERE}:${new URL(echo.url).port}`);
    expect(header.headers["x-api-key"]).toBeUndefined();
    expect(header.headers.authorization).toBeUndefined();
    expect(header.headers.cookie).toBeUndefined();
    expect(header.headers["x-trace"]).toBe("t");

    const bearer = await echoed({ connection: "o2_header", url: via() });
    expect(bearer.headers.authorization).toBeUndefined();

    const query = await echoed({ connection: "key_query", url: via() });
    expect(query.query).toEqual({});

    const form = await echoed({ connection: "key_form", url: via(307), method: "POST", parameters: { mine: "1" } });
    expect(form.method).toBe("POST");
    expect(form.form).toEqual({ mine: "1" });
    expect(JSON.stringify(echo.requests.at(-1))).not.toContain("ada-form-key");
  });

  it("OAuth 1.0a is signed again for the redirect's URL on an allowed host", async () => {
    // The provider has no redirect endpoint: the echo API (another origin on the same host) redirects to it.
    const via = `${echo.url}/redirect?to=${encodeURIComponent(`${oauth1.url}/api/echo?after=1`)}`;
    // Both listen on 127.0.0.1, which the service allows; a stale signature would be refused.
    const result = await call({ connection: "o1_header", url: via });
    expect(result.status, result.body.toString()).toBe(200);
    expect(JSON.parse(result.body.toString())).toMatchObject({ ok: true, query: { after: "1" } });
  });

  it("response size cap and timeout give response_too_large (502) and upstream_timeout (504)", async () => {
    const small = createInvokeEngine({ maxResponseBytes: 1000, timeoutMs: 300 });
    for (const url of [`${echo.url}/bytes?n=5000`, `${echo.url}/bytes?n=5000&length=1`]) {
      const error = await rejection(small.invoke(database.db, people.ada, { connection: "key_header", url }));
      expect(errorBody(error)).toMatchObject({ status: 502, body: { error: { code: "response_too_large" } } });
    }
    const started = Date.now();
    const error = await rejection(
      small.invoke(database.db, people.ada, { connection: "key_header", url: `${echo.url}/slow?ms=5000` }),
    );
    expect(errorBody(error)).toMatchObject({ status: 504, body: { error: { code: "upstream_timeout" } } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("too many redirects", async () => {
    const error = await rejection(
      engine.invoke(database.db, people.ada, { connection: "key_header", url: `${echo.url}/redirect` }),
    );
    expect(errorBody(error)).toMatchObject({ status: 502, body: { error: { code: "too_many_redirects" } } });
  });

  it("a request that fails validation is invalid (400) with field errors", async () => {
    const error = await rejection(engine.invoke(database.db, people.ada, { connection: "key_header", url: "not a url" }));
    expect(errorBody(error)).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
  });
});
