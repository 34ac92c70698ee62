/**
 * Provider misbehaviour and wire format, against a tiny node:http fake endpoint.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  clientCredentialsToken,
  discover,
  OAuth2Error,
  refreshTokens,
  revokeToken,
  type OAuth2Client,
  type OAuth2Endpoints,
  type TransportOptions,
} from "./index";

const client: OAuth2Client = { clientId: "fake-client", clientSecret: "s3cr3t+/=value" };
const REFRESH = "refresh-token-do-not-leak-4711";

type Seen = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };
let seen: Seen[] = [];
let server: http.Server;
let base: string;
const pending = new Set<http.ServerResponse>();

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  "/ok": (_req, res) =>
    json(res, 200, { access_token: "at-1", token_type: "Bearer", expires_in: 60, refresh_token: "rt-2", scope: "a b" }),
  "/500": (_req, res) => json(res, 500, { error: "server_error", error_description: "database down" }),
  "/502-html": (_req, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end("<html><body>Bad gateway</body></html>");
  },
  "/malformed-json": (_req, res) => json(res, 200, '{"access_token": "at-1", '),
  "/html-200": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>maintenance</html>");
  },
  "/no-access-token": (_req, res) => json(res, 200, { token_type: "bearer", expires_in: 60 }),
  "/odd-token-type": (_req, res) => json(res, 200, { access_token: "at-1", token_type: "mac" }),
  "/never": (_req, res) => {
    pending.add(res); // never answers
  },
  "/stalled-body": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"access_token": "at-1",');
    pending.add(res);
  },
  "/redirect": (_req, res) => {
    res.writeHead(302, { location: "https://elsewhere.example/token" });
    res.end();
  },
  "/invalid-grant": (_req, res) => json(res, 400, { error: "invalid_grant", error_description: "refresh token expired" }),
  "/invalid-client-challenge": (_req, res) =>
    json(res, 401, { error: "invalid_client" }, { "www-authenticate": 'Basic realm="fake", error="invalid_client"' }),
  "/error-in-200": (_req, res) =>
    json(res, 200, { error: "bad_refresh_token", error_description: "The refresh token passed is incorrect or expired." }),
  "/form-encoded": (_req, res) => {
    res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" });
    res.end("access_token=at-form&token_type=bearer&expires_in=90&scope=a%2Cb");
  },
  "/no-token-type": (_req, res) => json(res, 200, { access_token: "at-1", expires_in: "120" }),
  "/with-bad-id-token": (_req, res) => json(res, 200, { access_token: "at-1", token_type: "bearer", id_token: "not.a.jwt" }),
  "/no-scope": (_req, res) => json(res, 200, { access_token: "at-1", token_type: "bearer" }),
  "/revoke-ok": (_req, res) => {
    res.writeHead(200);
    res.end();
  },
  "/revoke-503": (_req, res) => {
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("unavailable");
  },
  "/revoke-unsupported": (_req, res) => json(res, 400, { error: "unsupported_token_type" }),
  "/impostor/.well-known/openid-configuration": (_req, res) =>
    json(res, 200, { issuer: "https://other.example", token_endpoint: `${base}/impostor/token` }),
  "/echo-secret": (_req, res) =>
    json(res, 400, {
      error: "invalid_request",
      error_description: `${"x".repeat(20)} bad refresh_token ${REFRESH} for ${client.clientSecret}`,
    }),
  "/oidc-only/.well-known/openid-configuration": (_req, res) =>
    json(res, 200, {
      issuer: `${base}/oidc-only`,
      authorization_endpoint: `${base}/oidc-only/authorize`,
      token_endpoint: `${base}/oidc-only/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post"],
    }),
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const route = routes[url.pathname];
      if (route) route(req, res);
      else json(res, 404, { error: "not_found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of pending) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
});

beforeEach(() => {
  seen = [];
});

const transport: TransportOptions = { fetch: globalThis.fetch, allowInsecureRequests: true, timeoutMs: 2_000 };

function ep(path: string, extra: Partial<OAuth2Endpoints> = {}): OAuth2Endpoints {
  return { tokenUrl: `${base}${path}`, tokenAuthMethod: "client_secret_basic", ...extra };
}

function refresh(path: string, t: TransportOptions = transport, extra: Partial<OAuth2Endpoints> = {}) {
  return refreshTokens({ endpoints: ep(path, extra), client, refreshToken: REFRESH, transport: t });
}

async function failure(p: Promise<unknown>): Promise<OAuth2Error> {
  const err = await p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuth2Error);
  const e = err as OAuth2Error;
  expect(e.message).not.toContain(client.clientSecret);
  expect(e.message).not.toContain(REFRESH);
  expect(e.message).not.toContain("at-1");
  return e;
}

describe("token endpoint failures become token_endpoint_error", () => {
  it("HTTP 500 with an OAuth error body", async () => {
    const e = await failure(refresh("/500"));
    expect(e).toMatchObject({ code: "token_endpoint_error", status: 500 });
    expect(e.message).toMatch(/HTTP 500/);
  });

  it("HTTP 502 with an HTML body", async () => {
    const e = await failure(refresh("/502-html"));
    expect(e).toMatchObject({ code: "token_endpoint_error", status: 502 });
  });

  it("malformed JSON", async () => {
    const e = await failure(refresh("/malformed-json"));
    expect(e.code).toBe("token_endpoint_error");
    expect(e.message).toMatch(/invalid response/);
  });

  it("HTML instead of JSON", async () => {
    expect((await failure(refresh("/html-200"))).code).toBe("token_endpoint_error");
  });

  it("no access_token", async () => {
    expect((await failure(refresh("/no-access-token"))).code).toBe("token_endpoint_error");
  });

  it("an unsupported token type", async () => {
    expect((await failure(refresh("/odd-token-type"))).code).toBe("token_endpoint_error");
  });

  it("a redirect", async () => {
    expect(await failure(refresh("/redirect"))).toMatchObject({ code: "token_endpoint_error", status: 302 });
  });

  it("no answer within the timeout", async () => {
    const started = Date.now();
    const e = await failure(refresh("/never", { ...transport, timeoutMs: 300 }));
    expect(e.code).toBe("token_endpoint_error");
    expect(e.message).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a body that stalls past the timeout", async () => {
    const e = await failure(refresh("/stalled-body", { ...transport, timeoutMs: 300 }));
    expect(e.code).toBe("token_endpoint_error");
  });

  it("an unreachable endpoint", async () => {
    const e = await failure(
      refreshTokens({ endpoints: ep("/x", { tokenUrl: "http://127.0.0.1:1/token" }), client, refreshToken: REFRESH, transport }),
    );
    expect(e.code).toBe("token_endpoint_error");
    expect(e.message).toMatch(/could not be reached/);
  });

  it("a failing guarded fetch (e.g. the SSRF guard refusing the address)", async () => {
    const guarded: typeof fetch = async () => {
      throw Object.assign(new Error("refused: 127.0.0.1 is a loopback address"), { code: "ERR_SSRF_BLOCKED" });
    };
    const e = await failure(refresh("/ok", { ...transport, fetch: guarded }));
    expect(e.code).toBe("token_endpoint_error");
    expect(e.message).toMatch(/ERR_SSRF_BLOCKED/);
  });
});

describe("refusals keep the provider's code", () => {
  it("invalid_grant with its description", async () => {
    const e = await failure(refresh("/invalid-grant"));
    expect(e).toMatchObject({ code: "invalid_grant", status: 400 });
    expect(e.message).toMatch(/refresh token expired/);
  });

  it("a 401 WWW-Authenticate challenge", async () => {
    expect(await failure(refresh("/invalid-client-challenge"))).toMatchObject({ code: "invalid_client", status: 401 });
  });

  it("secrets a provider echoes back are redacted from the message", async () => {
    const e = await failure(refresh("/echo-secret"));
    expect(e.code).toBe("invalid_request");
    expect(e.message).toMatch(/\[redacted\]/);
  });

  it("an error inside a 200 answer (GitHub style)", async () => {
    expect(await failure(refresh("/error-in-200"))).toMatchObject({ code: "bad_refresh_token", status: 200 });
  });
});

describe("lenient reading of common deviations", () => {
  it("a form-encoded token response", async () => {
    const t = await refresh("/form-encoded");
    expect(t).toMatchObject({ accessToken: "at-form", tokenType: "bearer", scope: ["a", "b"] });
    expect(t.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 80_000);
  });

  it("a missing token_type means bearer; expires_in as a string", async () => {
    const t = await refresh("/no-token-type");
    expect(t.tokenType).toBe("bearer");
    expect(t.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 110_000);
  });

  it("without a known issuer an ID token is dropped, not validated", async () => {
    const t = await refresh("/with-bad-id-token");
    expect(t.idToken).toBeUndefined();
    // with an issuer it must validate, and this one does not
    const e = await failure(refresh("/with-bad-id-token", transport, { issuer: base }));
    expect(e.code).toBe("token_endpoint_error");
  });

  it("keeps the used refresh token and the granted scopes when the answer omits them", async () => {
    const t = await refreshTokens({ endpoints: ep("/no-scope"), client, refreshToken: REFRESH, grantedScopes: ["a"], transport });
    expect(t).toMatchObject({ refreshToken: REFRESH, scope: ["a"] });
    const cc = await clientCredentialsToken({
      endpoints: ep("/no-scope"),
      client,
      scopes: ["x", "y"],
      delimiter: "comma",
      transport,
    });
    expect(cc.scope).toEqual(["x", "y"]);
  });
});

describe("wire format", () => {
  it("client_secret_basic: form-encoded credentials in the Authorization header, none in the body", async () => {
    await refresh("/ok");
    const [req] = seen;
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.accept).toBe("application/json");
    const [user, pass] = Buffer.from(req.headers.authorization!.replace(/^Basic /, ""), "base64")
      .toString()
      .split(":");
    expect(decodeURIComponent(user.replace(/\+/g, " "))).toBe(client.clientId);
    expect(decodeURIComponent(pass.replace(/\+/g, " "))).toBe(client.clientSecret);
    const body = new URLSearchParams(req.body);
    expect(Object.fromEntries(body)).toEqual({ grant_type: "refresh_token", refresh_token: REFRESH });
  });

  it("client_secret_post: credentials in the body, no Authorization header", async () => {
    await refreshTokens({
      endpoints: ep("/ok", { tokenAuthMethod: "client_secret_post" }),
      client,
      refreshToken: REFRESH,
      transport,
    });
    const [req] = seen;
    expect(req.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: REFRESH,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
  });

  it.each([
    ["space", "a b"],
    ["comma", "a,b"],
    ["plus", "a+b"],
  ] as const)("client credentials with the %s delimiter send scope %j (form-decoded)", async (delimiter, decoded) => {
    const t = await clientCredentialsToken({ endpoints: ep("/ok"), client, scopes: ["a", "b"], delimiter, transport });
    expect(new URLSearchParams(seen[0].body).get("scope")).toBe(decoded);
    expect(t.scope).toEqual(["a", "b"]); // the answer's "a b"
  });

  it("goes through the given fetch", async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    await refresh("/ok", { ...transport, fetch: counting });
    expect(calls).toBe(1);
  });

  it("refuses plain http when insecure requests are not allowed, without sending anything", async () => {
    const e = await failure(refresh("/ok", { ...transport, allowInsecureRequests: false }));
    expect(e.code).toBe("insecure_endpoint");
    expect(seen).toHaveLength(0);
  });
});

describe("revocation failures", () => {
  const revEndpoints = (path: string) => ep("/ok", { revocationUrl: `${base}${path}` });

  it("sends token and hint, authenticated", async () => {
    await expect(
      revokeToken({ endpoints: revEndpoints("/revoke-ok"), client, token: REFRESH, tokenTypeHint: "refresh_token", transport }),
    ).resolves.toBe(true);
    expect(Object.fromEntries(new URLSearchParams(seen[0].body))).toEqual({ token: REFRESH, token_type_hint: "refresh_token" });
    expect(seen[0].headers.authorization).toMatch(/^Basic /);
  });

  it("a 503 is revocation_endpoint_error", async () => {
    const e = await failure(revokeToken({ endpoints: revEndpoints("/revoke-503"), client, token: REFRESH, transport }));
    expect(e).toMatchObject({ code: "revocation_endpoint_error", status: 503 });
  });

  it("unsupported_token_type keeps its code", async () => {
    const e = await failure(revokeToken({ endpoints: revEndpoints("/revoke-unsupported"), client, token: REFRESH, transport }));
    expect(e).toMatchObject({ code: "unsupported_token_type", status: 400 });
  });
});

describe("discovery fallbacks", () => {
  it("falls back to OpenID discovery and picks client_secret_post when it is the only method", async () => {
    const endpoints = await discover(`${base}/oidc-only`, transport);
    expect(endpoints).toEqual({
      issuer: `${base}/oidc-only`,
      authorizeUrl: `${base}/oidc-only/authorize`,
      tokenUrl: `${base}/oidc-only/token`,
      tokenAuthMethod: "client_secret_post",
      issParameterSupported: false,
    });
    expect(seen.map((s) => s.path)).toEqual([
      "/.well-known/oauth-authorization-server/oidc-only",
      "/oidc-only/.well-known/openid-configuration",
    ]);
  });

  it("metadata naming another issuer is refused", async () => {
    const e = await failure(discover(`${base}/impostor`, transport));
    expect(e.code).toBe("discovery_error");
    expect(e.message).toMatch(/issuer/);
  });

  it("no metadata anywhere is discovery_error", async () => {
    const e = await failure(discover(`${base}/nothing`, transport));
    expect(e.code).toBe("discovery_error");
  });

  it("an unreachable issuer is not tried twice", async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const e = await failure(discover("http://127.0.0.1:1", { ...transport, fetch: counting }));
    expect(e.code).toBe("discovery_error");
    expect(calls).toBe(1);
  });
});
