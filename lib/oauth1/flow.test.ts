/**
 * The whole OAuth 1.0a dance against the loopback test provider (test/peers/oauth1-provider.ts),
 * whose signature checks are done by the independent `oauth-1.0a` package.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOAuth1Provider, type OAuth1Provider } from "@/test/peers/oauth1-provider";
import { paramTypes, type ParamType } from "@/lib/validation/enums";
import { applyOAuth1, type OAuth1Credentials, type OAuth1Request } from "./apply";
import { OAuth1Error } from "./errors";
import { buildAuthorizeUrl, fetchAccessToken, fetchRequestToken } from "./flow";

let provider: OAuth1Provider;
const CALLBACK = "http://127.0.0.1:9/api/oauth/callback?state=s%201";

beforeAll(async () => {
  provider = await startOAuth1Provider({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await provider?.close();
});

/** The user's browser: opens the authorize page and clicks Allow (or Deny); returns the redirect. */
async function clickOnAuthorizePage(token: string, decision: "allow" | "deny"): Promise<URL> {
  const page = await fetch(buildAuthorizeUrl(`${provider.url}/oauth/authorize`, token));
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Authorize test app?");
  expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
  expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  expect(action).toBe("/oauth/authorize");
  const res = await fetch(new URL(action!, provider.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ oauth_token: token, decision }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

async function authorize(paramType: ParamType) {
  const base = { consumerKey: provider.consumerKey, consumerSecret: provider.consumerSecret, paramType, fetch };
  const temp = await fetchRequestToken({
    ...base,
    requestTokenUrl: `${provider.url}/oauth/request_token`,
    callbackUrl: CALLBACK,
  });
  expect(temp.callbackConfirmed).toBe(true);

  const redirect = await clickOnAuthorizePage(temp.token, "allow");
  expect(`${redirect.origin}${redirect.pathname}`).toBe("http://127.0.0.1:9/api/oauth/callback");
  expect(redirect.searchParams.get("state")).toBe("s 1"); // the callback's own query is kept
  expect(redirect.searchParams.get("oauth_token")).toBe(temp.token);
  const verifier = redirect.searchParams.get("oauth_verifier")!;
  expect(verifier).toBeTruthy();

  const access = await fetchAccessToken({
    ...base,
    accessTokenUrl: `${provider.url}/oauth/access_token`,
    token: temp.token,
    tokenSecret: temp.tokenSecret,
    verifier,
  });
  expect(access.extra).toEqual({ user_id: "42", screen_name: "test_user" });
  return { temp, access };
}

async function send(signed: ReturnType<typeof applyOAuth1>) {
  const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: res.headers.get("content-type") === "application/json" ? JSON.parse(text) : undefined,
  };
}

describe.each(paramTypes)("OAuth 1.0a flow with paramType=%s", (paramType) => {
  let creds: OAuth1Credentials;

  beforeAll(async () => {
    const { access } = await authorize(paramType);
    creds = {
      consumerKey: provider.consumerKey,
      consumerSecret: provider.consumerSecret,
      token: access.token,
      tokenSecret: access.tokenSecret,
    };
  });

  it("request token and access token calls were verified by the provider", () => {
    const calls = provider.requests.filter((r) => r.path.startsWith("/oauth/") && r.path !== "/oauth/authorize");
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => r.verified)).toBe(true);
  });

  it("GET /api/echo with query parameters containing !*'() and spaces", async () => {
    const url = `${provider.url}/api/echo?q=${encodeURIComponent("a b !*'()")}&dup=2&dup=1&empty=&uni=${encodeURIComponent("é 😀")}&plus=a+b`;
    const before = provider.requests.length;
    const { status, json, text } = await send(applyOAuth1({ method: "GET", url, headers: {} }, creds, paramType));
    expect(status, text).toBe(200);
    expect(json.ok).toBe(true);
    expect(json.user).toBe("test_user");
    expect(json.method).toBe("GET");
    expect(json.query).toMatchObject({ q: "a b !*'()", dup: ["2", "1"], empty: "", uni: "é 😀", plus: "a b" });
    expect(json.authorizationHeaderPresent).toBe(paramType === "header");
    // On GET the form paramType falls back to the query.
    const oauthInQuery = Object.keys(json.query).some((k) => k.startsWith("oauth_"));
    expect(oauthInQuery).toBe(paramType !== "header");
    expect(provider.requests.slice(before)).toEqual([{ path: "/api/echo", method: "GET", verified: true }]);
  });

  it("POST /api/echo with query parameters and a form body containing !*'() and spaces", async () => {
    const request: OAuth1Request = {
      method: "POST",
      url: `${provider.url}/api/echo?page=1&filter=${encodeURIComponent("x (y)")}`,
      headers: { accept: "application/json" },
      bodyParams: [
        ["status", "Hello Ladies + Gentlemen, a signed OAuth request!"],
        ["bang", "!*'()"],
        ["space name", "two  spaces"],
        ["dup", "b"],
        ["dup", "a"],
        ["empty", ""],
        ["unicode", "ünïcødé ☃"],
      ],
    };
    const { status, json, text } = await send(applyOAuth1(request, creds, paramType));
    expect(status, text).toBe(200);
    expect(json.method).toBe("POST");
    expect(json.query).toMatchObject({ page: "1", filter: "x (y)" });
    expect(json.form).toMatchObject({
      status: "Hello Ladies + Gentlemen, a signed OAuth request!",
      bang: "!*'()",
      "space name": "two  spaces",
      dup: ["b", "a"],
      empty: "",
      unicode: "ünïcødé ☃",
    });
    expect(Object.keys(json.form).some((k) => k.startsWith("oauth_"))).toBe(paramType === "form");
    expect(Object.keys(json.query).some((k) => k.startsWith("oauth_"))).toBe(paramType === "query");
    expect(provider.requests.at(-1)).toEqual({ path: "/api/echo", method: "POST", verified: true });
  });

  it("the provider rejects a replayed request (nonce reuse) and a tampered one", async () => {
    const signed = applyOAuth1(
      { method: "POST", url: `${provider.url}/api/echo`, headers: {}, bodyParams: [["n", "1"]] },
      creds,
      paramType,
    );
    expect((await send(signed)).status).toBe(200);
    const replay = await send(signed);
    expect(replay.status).toBe(401);
    expect(replay.text).toBe("Nonce already used");

    const fresh = applyOAuth1(
      { method: "POST", url: `${provider.url}/api/echo`, headers: {}, bodyParams: [["n", "1"]] },
      creds,
      paramType,
    );
    const tamperedBody = paramType === "form" ? fresh.body!.replace("n=1", "n=2") : "n=2";
    const tampered = await send({ ...fresh, body: tamperedBody });
    expect(tampered.status).toBe(401);
    expect(tampered.text).toBe("Invalid signature");
  });
});

describe("provider refusals", () => {
  const base = () => ({
    consumerKey: provider.consumerKey,
    consumerSecret: provider.consumerSecret,
    paramType: "header" as const,
    fetch,
  });

  it("unknown token → 401", async () => {
    const signed = applyOAuth1(
      { method: "GET", url: `${provider.url}/api/echo`, headers: {} },
      { consumerKey: provider.consumerKey, consumerSecret: provider.consumerSecret, token: "at-nope", tokenSecret: "x" },
      "header",
    );
    const res = await send(signed);
    expect(res.status).toBe(401);
    expect(res.text).toBe("Unknown or expired token");
  });

  it("wrong consumer secret → OAuth1Error http_error 401, message without secrets", async () => {
    const err = await fetchRequestToken({
      ...base(),
      consumerSecret: "not the secret",
      requestTokenUrl: `${provider.url}/oauth/request_token`,
      callbackUrl: CALLBACK,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuth1Error);
    const e = err as OAuth1Error;
    expect(e.code).toBe("http_error");
    expect(e.status).toBe(401);
    expect(e.message).toBe(
      `The request token endpoint ${provider.url}/oauth/request_token answered HTTP 401: Invalid signature.`,
    );
    expect(e.message).not.toContain("not the secret");
  });

  it("wrong verifier → 401, and the temporary credentials cannot be exchanged twice", async () => {
    const temp = await fetchRequestToken({
      ...base(),
      requestTokenUrl: `${provider.url}/oauth/request_token`,
      callbackUrl: CALLBACK,
    });
    const redirect = await clickOnAuthorizePage(temp.token, "allow");
    const exchange = (verifier: string) =>
      fetchAccessToken({
        ...base(),
        accessTokenUrl: `${provider.url}/oauth/access_token`,
        token: temp.token,
        tokenSecret: temp.tokenSecret,
        verifier,
      });
    await expect(exchange("wrong")).rejects.toMatchObject({
      code: "http_error",
      status: 401,
      bodyExcerpt: "Invalid oauth_verifier",
    });
    const ok = await exchange(redirect.searchParams.get("oauth_verifier")!);
    expect(ok.token).toMatch(/^at-/);
    await expect(exchange(redirect.searchParams.get("oauth_verifier")!)).rejects.toMatchObject({ status: 401 });
  });

  it("Deny redirects to the callback without a verifier", async () => {
    const temp = await fetchRequestToken({
      ...base(),
      requestTokenUrl: `${provider.url}/oauth/request_token`,
      callbackUrl: CALLBACK,
    });
    const redirect = await clickOnAuthorizePage(temp.token, "deny");
    expect(redirect.searchParams.get("oauth_verifier")).toBeNull();
    expect(redirect.searchParams.get("denied")).toBe(temp.token);
  });

  it("the access token endpoint refuses a request token that was never authorized", async () => {
    const temp = await fetchRequestToken({
      ...base(),
      requestTokenUrl: `${provider.url}/oauth/request_token`,
      callbackUrl: "oob",
    });
    await expect(
      fetchAccessToken({
        ...base(),
        accessTokenUrl: `${provider.url}/oauth/access_token`,
        token: temp.token,
        tokenSecret: temp.tokenSecret,
        verifier: "v",
      }),
    ).rejects.toMatchObject({ code: "http_error", status: 401, bodyExcerpt: "Request token not authorized" });
  });
});

describe("flow helpers against misbehaving providers (injected fetch)", () => {
  const secrets = { consumerSecret: "c-secret !*'()", tokenSecret: "t-secret" };
  const fakeFetch = (status: number, body: string, contentType = "application/x-www-form-urlencoded"): typeof fetch =>
    (async () => new Response(body, { status, headers: { "content-type": contentType } })) as typeof fetch;
  const requestToken = (f: typeof fetch, paramType: ParamType = "header") =>
    fetchRequestToken({
      requestTokenUrl: "https://provider.example/oauth/request_token?x=1",
      consumerKey: "ck",
      consumerSecret: secrets.consumerSecret,
      callbackUrl: "https://app.example/cb",
      paramType,
      fetch: f,
    });
  const accessToken = (f: typeof fetch) =>
    fetchAccessToken({
      accessTokenUrl: "https://provider.example/oauth/access_token",
      consumerKey: "ck",
      consumerSecret: secrets.consumerSecret,
      token: "rt",
      tokenSecret: secrets.tokenSecret,
      verifier: "v",
      paramType: "query",
      fetch: f,
      signatureMethod: "PLAINTEXT",
    });

  it("oauth_callback_confirmed missing or not 'true' → callback_not_confirmed", async () => {
    await expect(requestToken(fakeFetch(200, "oauth_token=a&oauth_token_secret=b"))).rejects.toMatchObject({
      code: "callback_not_confirmed",
    });
    await expect(
      requestToken(fakeFetch(200, "oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=false")),
    ).rejects.toMatchObject({
      code: "callback_not_confirmed",
    });
  });

  it("malformed bodies → malformed_response", async () => {
    await expect(requestToken(fakeFetch(200, "<html>hello</html>", "text/html"))).rejects.toMatchObject({
      code: "malformed_response",
      status: 200,
    });
    await expect(requestToken(fakeFetch(200, "oauth_token_secret=b&oauth_callback_confirmed=true"))).rejects.toThrow(
      /without oauth_token\./,
    );
    await expect(requestToken(fakeFetch(200, ""))).rejects.toMatchObject({ code: "malformed_response" });
    await expect(requestToken(fakeFetch(200, "x".repeat(70_000)))).rejects.toThrow(/more than 65536 bytes/);
  });

  it("accepts JSON and text/plain token answers", async () => {
    const json = await requestToken(
      fakeFetch(200, '{"oauth_token":"a","oauth_token_secret":"b","oauth_callback_confirmed":true,"x":1}', "application/json"),
    );
    expect(json).toEqual({ token: "a", tokenSecret: "b", callbackConfirmed: true, extra: { x: "1" } });
    const access = await accessToken(
      fakeFetch(200, "oauth_token=t%20k&oauth_token_secret=s%2Bs&screen_name=jane+doe", "text/plain"),
    );
    expect(access).toEqual({ token: "t k", tokenSecret: "s+s", extra: { screen_name: "jane doe" } });
  });

  it("non-2xx: status, oauth_problem and a sanitized excerpt, never the secrets", async () => {
    // A provider that echoes the request back in its error (PLAINTEXT in the query: the signature *is* the secrets).
    const echo: typeof fetch = (async (input: string | URL | Request) => {
      const rawSignature = /[?&]oauth_signature=([^&]*)/.exec(String(input))?.[1];
      return new Response(
        `<h1>Bad request</h1>\n<p>got oauth_signature=${rawSignature}, secret=${secrets.consumerSecret} oauth_token_secret=${secrets.tokenSecret}</p>`,
        { status: 400 },
      );
    }) as typeof fetch;
    const err = (await accessToken(echo).catch((e: unknown) => e)) as OAuth1Error;
    expect(err).toBeInstanceOf(OAuth1Error);
    expect(err.code).toBe("http_error");
    expect(err.status).toBe(400);
    expect(err.endpoint).toBe("https://provider.example/oauth/access_token");
    expect(err.bodyExcerpt).toBe("Bad request got oauth_signature=[redacted], secret=[redacted] oauth_token_secret=[redacted]");
    for (const text of [err.message, err.bodyExcerpt ?? ""]) {
      expect(text).not.toContain(secrets.tokenSecret);
      expect(text).not.toContain("c-secret");
      expect(text).not.toContain("c-secret%20");
      expect(text).not.toMatch(/oauth_signature=(?!\[redacted\])/);
    }
    const long = (await requestToken(fakeFetch(500, "e".repeat(5000))).catch((e: unknown) => e)) as OAuth1Error;
    expect(long.bodyExcerpt).toHaveLength(200);
    expect(err.bodyExcerpt).not.toContain("<h1>");

    const problem = (await requestToken(fakeFetch(401, "oauth_problem=signature_invalid&oauth_problem_advice=check")).catch(
      (e: unknown) => e,
    )) as OAuth1Error;
    expect(problem.oauthProblem).toBe("signature_invalid");
    expect(problem.message).toBe(
      "The request token endpoint https://provider.example/oauth/request_token answered HTTP 401 (oauth_problem=signature_invalid).",
    );
  });

  it("a redirect is not followed and is reported", async () => {
    const f: typeof fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
      expect(init?.redirect).toBe("manual");
      return new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } });
    }) as typeof fetch;
    await expect(requestToken(f)).rejects.toMatchObject({ code: "http_error", status: 302 });
  });

  it("network failures → network_error; the injected fetch gets the signed request", async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const failing: typeof fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(input), init });
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }),
      });
    }) as typeof fetch;
    const err = (await requestToken(failing, "form").catch((e: unknown) => e)) as OAuth1Error;
    expect(err.code).toBe("network_error");
    expect(err.message).toBe(
      "Could not reach the request token endpoint https://provider.example/oauth/request_token: fetch failed (ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443).",
    );
    expect(seen[0].init?.method).toBe("POST");
    expect(String(seen[0].init?.body)).toMatch(/oauth_callback=https%3A%2F%2Fapp\.example%2Fcb/);
  });
});

describe("buildAuthorizeUrl", () => {
  it("appends oauth_token (and extras) to the endpoint's own query, keeping the fragment", () => {
    expect(buildAuthorizeUrl("https://api.example.com/oauth/authorize", "hh5s93j4hdidpola")).toBe(
      "https://api.example.com/oauth/authorize?oauth_token=hh5s93j4hdidpola",
    );
    expect(buildAuthorizeUrl("https://api.example.com/authorize?force_login=true#x", "a b!", { screen_name: "jane doe" })).toBe(
      "https://api.example.com/authorize?force_login=true&oauth_token=a%20b%21&screen_name=jane%20doe#x",
    );
    expect(() => buildAuthorizeUrl("javascript:alert(1)", "t")).toThrow(OAuth1Error);
  });
});
