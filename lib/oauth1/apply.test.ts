import { createHmac } from "node:crypto";
import OAuth from "oauth-1.0a";
import { describe, expect, it } from "vitest";
import type { ParamType } from "@/lib/validation/enums";
import { applyOAuth1, type OAuth1Request, type SignedOAuth1Request } from "./apply";
import { OAuth1Error } from "./errors";
import { signatureBaseString } from "./signature";

const creds = {
  consumerKey: "consumer key !*'()",
  consumerSecret: "consumer secret !*'() ~+&=",
  token: "token/with+chars",
  tokenSecret: "token secret é😀",
};

type Wire = {
  query: Array<[string, string]>;
  form: Array<[string, string]>;
  header: Array<[string, string]> | null;
};

/** Reads a signed request the way a server sees it, using only platform parsers (not lib/oauth1). */
function readWire(signed: SignedOAuth1Request): Wire {
  const url = new URL(signed.url);
  const query = [...url.searchParams.entries()];
  const contentType = Object.entries(signed.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  const form = contentType.startsWith("application/x-www-form-urlencoded")
    ? [...new URLSearchParams(signed.body ?? "").entries()]
    : [];
  const auth = Object.entries(signed.headers).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  let header: Array<[string, string]> | null = null;
  if (auth?.startsWith("OAuth ")) {
    header = [...auth.slice(6).matchAll(/([^\s=,]+)="([^"]*)"/g)]
      .filter((m) => m[1] !== "realm")
      .map((m) => [decodeURIComponent(m[1]), decodeURIComponent(m[2])]);
  }
  return { query, form, header };
}

/** Recomputes the signature from the wire with the oauth-1.0a package, and checks placement. */
function verifyWire(signed: SignedOAuth1Request, expectedPlacement: ParamType, tokenSecret = creds.tokenSecret) {
  const wire = readWire(signed);
  const isOAuth = ([k]: [string, string]) => k.startsWith("oauth_");
  const places = {
    header: wire.header ?? [],
    query: wire.query.filter(isOAuth),
    form: wire.form.filter(isOAuth),
  };
  // One and only one location (RFC 5849 §3.5).
  for (const p of ["header", "query", "form"] as const) {
    if (p === expectedPlacement) expect(places[p].length).toBeGreaterThan(0);
    else expect(places[p]).toEqual([]);
  }
  const oauth = places[expectedPlacement];
  const signature = oauth.find(([k]) => k === "oauth_signature")?.[1];
  const oauthData = Object.fromEntries(oauth.filter(([k]) => k !== "oauth_signature"));
  const data: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of [...wire.query, ...wire.form].filter((p) => !isOAuth(p))) {
    const prev = Object.hasOwn(data, k) ? data[k] : undefined;
    data[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const u = new URL(signed.url);
  const lib = new OAuth({
    consumer: { key: creds.consumerKey, secret: creds.consumerSecret },
    signature_method: "HMAC-SHA1",
    hash_function: (base, key) => createHmac("sha1", key).update(base).digest("base64"),
  });
  const expected = lib.getSignature(
    { url: `${u.origin}${u.pathname}`, method: signed.method, data },
    tokenSecret,
    oauthData as unknown as OAuth.Data,
  );
  expect(signature).toBe(expected);
  expect(signed.signature).toBe(expected);
  // And our own base string, recomputed from the wire, is the one that was signed.
  const urlWithoutOAuth = new URL(signed.url);
  for (const [k] of places.query) urlWithoutOAuth.searchParams.delete(k);
  expect(signatureBaseString(signed.method, urlWithoutOAuth.href, [...wire.form.filter((p) => !isOAuth(p)), ...oauth])).toBe(
    signed.baseString,
  );
  return wire;
}

const tricky: Array<[string, string]> = [
  ["q", "a b"],
  ["bang", "!*'()"],
  ["dup", "2"],
  ["dup", "1"],
  ["dup", ""],
  ["empty", ""],
  ["uni", "é 😀"],
  ["plus", "1+1=2"],
];

describe("applyOAuth1", () => {
  const getUrl = "https://API.Example.com:443/v1/items?q=a%20b&bang=!*'()&dup=2&dup=1&dup&plus=1%2B1%3D2#frag";

  for (const paramType of ["header", "query", "form"] as const) {
    it(`POST with query and form body, paramType=${paramType}: verifies from what is sent`, () => {
      const request: OAuth1Request = {
        method: "post",
        url: "http://127.0.0.1:8080/api/echo?x=!*'()%20y&x=z",
        headers: { Accept: "application/json" },
        bodyParams: tricky,
      };
      const signed = applyOAuth1(request, creds, paramType);
      expect(signed.method).toBe("POST");
      expect(signed.placement).toBe(paramType);
      expect(signed.headers.Accept).toBe("application/json");
      expect(signed.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
      const wire = verifyWire(signed, paramType);
      expect(wire.form.filter(([k]) => !k.startsWith("oauth_"))).toEqual(tricky);
      expect(wire.query.filter(([k]) => !k.startsWith("oauth_"))).toEqual([
        ["x", "!*'() y"],
        ["x", "z"],
      ]);
      expect(request.headers).toEqual({ Accept: "application/json" }); // input untouched
    });

    it(`GET with a query, paramType=${paramType}`, () => {
      const signed = applyOAuth1({ method: "GET", url: getUrl, headers: {} }, { ...creds, realm: "R" }, paramType);
      const expectedPlacement = paramType === "form" ? "query" : paramType;
      expect(signed.placement).toBe(expectedPlacement);
      expect(signed.body).toBeUndefined();
      const wire = verifyWire(signed, expectedPlacement);
      expect(wire.query.filter(([k]) => !k.startsWith("oauth_"))).toEqual([
        ["q", "a b"],
        ["bang", "!*'()"],
        ["dup", "2"],
        ["dup", "1"],
        ["dup", ""],
        ["plus", "1+1=2"],
      ]);
      expect(signed.url.endsWith("#frag")).toBe(true);
    });
  }

  it("header placement puts the realm in the header and replaces an existing authorization header", () => {
    const signed = applyOAuth1(
      { method: "GET", url: "https://e.example/r", headers: { authorization: "Basic x" } },
      { ...creds, realm: "Photos" },
      "header",
    );
    expect(Object.keys(signed.headers)).toEqual(["authorization"]);
    expect(signed.headers.authorization).toMatch(/^OAuth realm="Photos", oauth_consumer_key=/);
  });

  it("query placement appends after the request's own parameters", () => {
    const signed = applyOAuth1({ method: "GET", url: "https://e.example/r?b=1&a=2", headers: {} }, creds, "query");
    expect(signed.url).toMatch(/^https:\/\/e\.example\/r\?b=1&a=2&oauth_consumer_key=consumer%20key%20%21%2A%27%28%29&/);
    verifyWire(signed, "query");
  });

  it("form placement appends after the request's own fields", () => {
    const signed = applyOAuth1(
      { method: "POST", url: "https://e.example/r", headers: {}, bodyParams: [["status", "hi there!"]] },
      creds,
      "form",
    );
    expect(signed.body).toMatch(/^status=hi%20there%21&oauth_consumer_key=/);
    expect(signed.bodyParams?.[0]).toEqual(["status", "hi there!"]);
    verifyWire(signed, "form");
  });

  it("form placement on a POST without a body creates a form body of protocol parameters", () => {
    const signed = applyOAuth1({ method: "POST", url: "https://e.example/r?a=1", headers: {} }, creds, "form");
    expect(signed.placement).toBe("form");
    expect(signed.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(signed.body).toMatch(/^oauth_consumer_key=/);
    verifyWire(signed, "form");
  });

  it("form placement falls back to the query for DELETE without a body and for a JSON body", () => {
    const del = applyOAuth1({ method: "DELETE", url: "https://e.example/r/1", headers: {} }, creds, "form");
    expect(del.placement).toBe("query");
    expect(del.body).toBeUndefined();
    verifyWire(del, "query");

    const json = applyOAuth1(
      { method: "PUT", url: "https://e.example/r/1", headers: { "content-type": "application/json" }, body: '{"a":"b c"}' },
      creds,
      "form",
    );
    expect(json.placement).toBe("query");
    expect(json.body).toBe('{"a":"b c"}'); // unsigned, untouched (RFC 5849 §3.4.1.3.1)
    verifyWire(json, "query");
  });

  it("a raw form body is signed and sent byte for byte", () => {
    const body = "a=b+c&d=%21%2a&e";
    const signed = applyOAuth1(
      {
        method: "PATCH",
        url: "https://e.example/r",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" },
        body,
      },
      creds,
      "header",
    );
    expect(signed.body).toBe(body);
    expect(signed.bodyParams).toEqual([
      ["a", "b c"],
      ["d", "!*"],
      ["e", ""],
    ]);
    verifyWire(signed, "header");
  });

  it("without a token (temporary credentials request) the token secret is empty", () => {
    const signed = applyOAuth1(
      { method: "POST", url: "https://e.example/request_token", headers: {} },
      {
        consumerKey: creds.consumerKey,
        consumerSecret: creds.consumerSecret,
        extraOAuthParams: { oauth_callback: "https://app.example/cb?x=1" },
      },
      "header",
    );
    expect(signed.oauthParams.some(([k]) => k === "oauth_token")).toBe(false);
    verifyWire(signed, "header", "");
  });

  it("a changed body after signing no longer verifies", () => {
    const signed = applyOAuth1(
      { method: "POST", url: "https://e.example/r", headers: {}, bodyParams: [["a", "1"]] },
      creds,
      "header",
    );
    const tampered = { ...signed, body: "a=2" };
    expect(() => verifyWire(tampered, "header")).toThrow();
  });

  it("rejects bodies on GET/HEAD, both body and bodyParams, and non-http URLs", () => {
    expect(() =>
      applyOAuth1({ method: "GET", url: "https://e.example/", headers: {}, bodyParams: [["a", "b"]] }, creds, "form"),
    ).toThrow(OAuth1Error);
    expect(() =>
      applyOAuth1({ method: "POST", url: "https://e.example/", headers: {}, bodyParams: [], body: "x" }, creds, "form"),
    ).toThrow(/either bodyParams or body/);
    expect(() => applyOAuth1({ method: "GET", url: "file:///etc/passwd", headers: {} }, creds, "header")).toThrow(
      /http or https/,
    );
  });
});
