// The loopback echo API (test/peers/echo-api.ts) is a test peer other suites rely on; check it here.
import { afterEach, describe, expect, it } from "vitest";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startTestServer, type TestServer } from "./test-server";

const running: Array<EchoApi | TestServer> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function introspectionServer(activeToken: string) {
  const seen: Array<{ authorization: string | undefined; body: string }> = [];
  const server = await startTestServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    seen.push({ authorization: request.headers.authorization, body });
    const token = new URLSearchParams(body).get("token");
    const answer =
      token === activeToken ? { active: true, sub: "user-1", scope: "read write", client_id: "app" } : { active: false };
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
  running.push(server);
  return { url: `${server.url}/token/introspection`, seen };
}

describe("echo API peer", () => {
  it("echoes query, headers, form and JSON bodies", async () => {
    const api = await startEchoApi();
    running.push(api);
    const form = await fetch(`${api.url}/a/b?x=1&x=2&y=3`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "X-Thing": "v" },
      body: "k=1&k=2&m=%21",
    }).then((response) => response.json());
    expect(form).toMatchObject({
      method: "POST",
      path: "/a/b",
      query: { x: ["1", "2"], y: "3" },
      form: { k: ["1", "2"], m: "!" },
    });
    expect(form.headers["x-thing"]).toBe("v");
    const json = await fetch(`${api.url}/`, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(await json.json()).toMatchObject({ json: { a: 1 }, body: '{"a":1}', form: null });
    expect((await fetch(`${api.url}/status/503`)).status).toBe(503);
    expect((await fetch(`${api.url}/status/204`)).status).toBe(204);
    expect(api.requests).toHaveLength(4);
  });

  it("checks bearer tokens by introspection (RFC 7662, client_secret_basic)", async () => {
    const introspection = await introspectionServer("good-token");
    const api = await startEchoApi({ introspect: { url: introspection.url, clientId: "rs:1", clientSecret: "s e/cret" } });
    running.push(api);

    const missing = await fetch(`${api.url}/oauth/protected`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);

    const inactive = await fetch(`${api.url}/oauth/protected`, { headers: { authorization: "Bearer bad-token" } });
    expect(inactive.status).toBe(401);
    expect(inactive.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');

    const active = await fetch(`${api.url}/oauth/protected`, { headers: { authorization: "Bearer good-token" } });
    expect(active.status).toBe(200);
    expect(await active.json()).toEqual({ sub: "user-1", scope: "read write", client_id: "app" });

    const viaQuery = await fetch(`${api.url}/oauth/protected?access_token=good-token`);
    expect(viaQuery.status).toBe(200);

    const basic = Buffer.from("rs%3A1:s%20e%2Fcret").toString("base64");
    expect(introspection.seen[0]).toEqual({
      authorization: `Basic ${basic}`,
      body: "token=bad-token&token_type_hint=access_token",
    });
  });
});
