/** docs/product.md §7 parameter rules and credential injection, without a network. */
import { describe, expect, it } from "vitest";
import { buildRequest } from "./build-request";
import { injectCredential } from "./inject";
import { invokeRequestSchema } from "@/lib/validation/invoke";

const req = (input: Record<string, unknown>) => buildRequest(invokeRequestSchema.parse({ connection: "c", ...input }));

describe("invokeRequestSchema", () => {
  it("defaults the method to GET and accepts map or string parameters", () => {
    const parsed = invokeRequestSchema.parse({
      connection: "my_api",
      url: "https://api.example.com/x",
      parameters: { a: 1, b: true },
    });
    expect(parsed.method).toBe("GET");
    expect(invokeRequestSchema.safeParse({ connection: "my_api", url: "https://x.test", parameters: "a=1" }).success).toBe(true);
  });

  it("refuses bad link names, relative URLs, other schemes, unknown methods and bad header names", () => {
    for (const bad of [
      { connection: "My API", url: "https://x.test" },
      { connection: "c", url: "/relative" },
      { connection: "c", url: "ftp://x.test/" },
      { connection: "c", url: "https://x.test", method: "TRACE" },
      { connection: "c", url: "https://x.test", headers: { "bad header": "x" } },
      { connection: "c", url: "https://x.test", headers: { ok: "line\r\nbreak" } },
      { connection: "c", url: "https://x.test", parameters: { nested: { a: 1 } } },
    ]) {
      expect(invokeRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("buildRequest (docs/product.md §7)", () => {
  it("GET and DELETE: parameters go to the query string, after any query already there", () => {
    for (const method of ["GET", "DELETE"]) {
      const r = req({ url: "https://x.test/p?keep=a%20b", method, parameters: { q: "x y", n: 2, t: false } });
      expect(r.url).toBe("https://x.test/p?keep=a%20b&q=x%20y&n=2&t=false");
      expect(r.form).toBeUndefined();
      expect(r.body).toBeUndefined();
    }
  });

  it("POST, PUT, PATCH: parameters go to a form body", () => {
    for (const method of ["POST", "PUT", "PATCH"]) {
      const r = req({ url: "https://x.test/p", method, parameters: { a: "1", b: "é&=" } });
      expect(r.url).toBe("https://x.test/p");
      expect(r.form).toEqual([
        ["a", "1"],
        ["b", "é&="],
      ]);
      expect(r.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    }
  });

  it("with a body, parameters go to the query string and the body is sent as is", () => {
    const r = req({ url: "https://x.test/p", method: "POST", parameters: { a: "1" }, body: '{"x":1}' });
    expect(r.url).toBe("https://x.test/p?a=1");
    expect(r.body).toBe('{"x":1}');
    expect(r.form).toBeUndefined();
    expect(r.headers["Content-Type"]).toBe("application/json");
    const t = req({ url: "https://x.test/p", method: "PUT", body: "plain", headers: { "content-type": "text/csv" } });
    expect(t.headers).toEqual({ "content-type": "text/csv" });
  });

  it("string parameters: an encoded query for GET, the raw body for POST", () => {
    expect(req({ url: "https://x.test/p", parameters: "a=1&b=%20" }).url).toBe("https://x.test/p?a=1&b=%20");
    const post = req({ url: "https://x.test/p", method: "POST", parameters: '{"k":"v"}' });
    expect(post.body).toBe('{"k":"v"}');
    expect(post.headers["Content-Type"]).toBe("application/json");
  });

  it("refuses a body on GET", () => {
    expect(() => req({ url: "https://x.test/p", body: "x" })).toThrow(/GET request cannot carry a body/);
  });
});

describe("injectCredential", () => {
  it("API key in the query replaces a caller's parameter of the same name", () => {
    const wire = injectCredential(req({ url: "https://x.test/p?api_key=mine&x=1" }), {
      type: "api_key",
      params: [{ name: "api_key", paramType: "query" }],
      values: { api_key: "K" },
    });
    expect(wire.url).toBe("https://x.test/p?x=1&api_key=K");
  });

  it("API key in a form falls back to the query string for GET/DELETE and for non-form bodies", () => {
    const cred = { type: "api_key" as const, params: [{ name: "key", paramType: "form" as const }], values: { key: "K" } };
    expect(injectCredential(req({ url: "https://x.test/p" }), cred).url).toBe("https://x.test/p?key=K");
    expect(injectCredential(req({ url: "https://x.test/p", method: "DELETE" }), cred).url).toBe("https://x.test/p?key=K");
    const json = injectCredential(req({ url: "https://x.test/p", method: "POST", body: "{}" }), cred);
    expect(json.url).toBe("https://x.test/p?key=K");
    expect(json.body).toBe("{}");
    const form = injectCredential(req({ url: "https://x.test/p", method: "POST", parameters: { a: "1", key: "mine" } }), cred);
    expect(form.body).toBe("a=1&key=K");
    const empty = injectCredential(req({ url: "https://x.test/p", method: "POST" }), cred);
    expect(empty.body).toBe("key=K");
    expect(empty.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
  });

  it("header credentials win over any spelling of the caller's header", () => {
    const wire = injectCredential(
      req({ url: "https://x.test/p", headers: { "x-API-key": "mine", AUTHORIZATION: "mine", Other: "kept" } }),
      {
        type: "api_key",
        params: [
          { name: "X-Api-Key", paramType: "header" },
          { name: "Authorization", paramType: "header", prefix: "Bearer " },
        ],
        values: { "X-Api-Key": "K", Authorization: "T" },
      },
    );
    expect(wire.headers).toEqual({ Other: "kept", "X-Api-Key": "K", Authorization: "Bearer T" });
  });

  it("Basic and OAuth 2 drop the caller's Authorization", () => {
    const basic = injectCredential(req({ url: "https://x.test/p", headers: { authorization: "mine" } }), {
      type: "basic",
      username: "ada",
      password: "pä:ss",
    });
    expect(basic.headers).toEqual({ Authorization: `Basic ${Buffer.from("ada:pä:ss").toString("base64")}` });
    const bearer = injectCredential(req({ url: "https://x.test/p?access_token=mine", headers: { Authorization: "mine" } }), {
      type: "oauth2",
      accessToken: "AT",
      paramType: "query",
    });
    expect(bearer.url).toBe("https://x.test/p?access_token=AT");
    expect(bearer.headers).toEqual({});
  });
});
