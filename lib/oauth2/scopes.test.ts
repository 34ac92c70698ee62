import { createHash } from "node:crypto";

import fc from "fast-check";
import { calculatePKCECodeChallenge } from "oauth4webapi";
import { describe, expect, it } from "vitest";

import { scopeDelimiterChars, scopeDelimiters, type ScopeDelimiter } from "@/lib/validation/enums";

import { buildAuthorizationUrl, createPkce, joinScopes, OAuth2Error, randomState, splitScopes } from "./index";
import type { OAuth2Endpoints } from "./index";

const endpoints: OAuth2Endpoints = {
  authorizeUrl: "https://provider.example/oauth/authorize",
  tokenUrl: "https://provider.example/oauth/token",
  tokenAuthMethod: "client_secret_basic",
};
const client = { clientId: "client id/1", clientSecret: "never-in-urls" };

/** Scope values as RFC 6749 §3.3 allows them (NQCHAR), without the three delimiter characters. */
const scopeValue = fc.stringMatching(/^[\x21\x23-\x2a\x2d-\x5b\x5d-\x7e]{1,20}$/);
const delimiter = fc.constantFrom<ScopeDelimiter>(...scopeDelimiters);

/** How a plain percent-decoding server (no '+' → space rule) reads a query. */
function percentDecodeQuery(search: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const [k, v = ""] = pair.split("=");
    out.set(decodeURIComponent(k), decodeURIComponent(v));
  }
  return out;
}

describe("joinScopes / splitScopes", () => {
  it("joins with each delimiter's character", () => {
    expect(joinScopes(["read", "write"], "comma")).toBe("read,write");
    expect(joinScopes(["read", "write"], "space")).toBe("read write");
    expect(joinScopes(["read", "write"], "plus")).toBe("read+write");
  });

  it("drops empty entries and duplicates, keeps order", () => {
    expect(joinScopes([" b ", "", "a", "b"], "space")).toBe("b a");
    expect(joinScopes([], "comma")).toBe("");
  });

  it("refuses a scope containing whitespace or the delimiter", () => {
    expect(() => joinScopes(["a,b"], "comma")).toThrow(OAuth2Error);
    expect(() => joinScopes(["a b"], "comma")).toThrow(/whitespace/);
    expect(() => joinScopes(["a+b"], "plus")).toThrow(OAuth2Error);
    // '+' and ',' are legal inside a scope when they are not the delimiter
    expect(joinScopes(["a+b", "c"], "comma")).toBe("a+b,c");
  });

  it("splits on whitespace and commas, on '+' only for the plus delimiter", () => {
    expect(splitScopes("read write")).toEqual(["read", "write"]);
    expect(splitScopes("read,write")).toEqual(["read", "write"]);
    expect(splitScopes(" read  write ,read ")).toEqual(["read", "write"]);
    expect(splitScopes("a+b")).toEqual(["a+b"]);
    expect(splitScopes("a+b", "plus")).toEqual(["a", "b"]);
    expect(splitScopes("")).toEqual([]);
    expect(splitScopes(undefined)).toEqual([]);
  });

  it("round-trips any scope list through join and split (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(scopeValue, { maxLength: 8 }), delimiter, (scopes, d) => {
        expect(splitScopes(joinScopes(scopes, d), d)).toEqual(scopes);
      }),
    );
  });
});

describe("createPkce / randomState", () => {
  it("makes an S256 pair that oauth4webapi agrees with", async () => {
    const pkce = createPkce();
    expect(pkce.method).toBe("S256");
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(pkce.challenge).toBe(createHash("sha256").update(pkce.verifier).digest("base64url"));
    expect(pkce.challenge).toBe(await calculatePKCECodeChallenge(pkce.verifier));
    expect(createPkce().verifier).not.toBe(pkce.verifier);
  });

  it("makes unguessable, distinct states", () => {
    const states = new Set(Array.from({ length: 50 }, () => randomState()));
    expect(states.size).toBe(50);
    for (const s of states) expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("buildAuthorizationUrl", () => {
  const base = {
    endpoints,
    client,
    redirectUri: "https://app.example/api/oauth/callback",
    scopes: ["read", "write"],
    state: "st-1",
    pkceChallenge: "challenge-1",
  };

  it.each([
    ["space", "read%20write", "read write"],
    ["comma", "read%2Cwrite", "read,write"],
    ["plus", "read%2Bwrite", "read+write"],
  ] as const)("delimiter %s sends scope=%s, read as %j", (d, wire, decoded) => {
    const url = buildAuthorizationUrl({ ...base, delimiter: d });
    expect(url.search).toContain(`scope=${wire}&`);
    expect(url.searchParams.get("scope")).toBe(decoded); // form-decoding (WHATWG / RFC 6749)
    expect(percentDecodeQuery(url.search).get("scope")).toBe(decoded); // plain percent-decoding
    expect(url.href).not.toMatch(/scope=[^&]*\+/); // never a raw, ambiguous '+'
  });

  it("carries the flow's parameters and never the client secret", () => {
    const url = buildAuthorizationUrl({ ...base, delimiter: "space" });
    expect(url.origin + url.pathname).toBe("https://provider.example/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "client id/1",
      redirect_uri: "https://app.example/api/oauth/callback",
      scope: "read write",
      state: "st-1",
      code_challenge: "challenge-1",
      code_challenge_method: "S256",
    });
    expect(url.href).not.toContain("never-in-urls");
    expect(url.search).toContain("client_id=client%20id%2F1");
  });

  it("keeps fixed query parameters of the authorize URL, adds extras, refuses overriding flow parameters", () => {
    const url = buildAuthorizationUrl({
      ...base,
      endpoints: { ...endpoints, authorizeUrl: "https://provider.example/authorize?audience=api+x&state=evil#frag" },
      delimiter: "comma",
      extraParams: { access_type: "offline", prompt: "consent" },
    });
    expect(url.searchParams.get("audience")).toBe("api x");
    expect(url.searchParams.getAll("state")).toEqual(["st-1"]);
    expect(url.searchParams.get("access_type")).toBe("offline");
    expect(url.hash).toBe("");
    expect(() => buildAuthorizationUrl({ ...base, delimiter: "comma", extraParams: { redirect_uri: "https://evil" } })).toThrow(
      /cannot be overridden/,
    );
  });

  it("a creator cannot bake another flow's parameters into the Authorize URL (mix-up, docs/security.md)", () => {
    // A member's custom service aims at the organization's real provider with another service's
    // redirect URI and their own PKCE challenge: every flow parameter is this flow's own.
    const baked = new URL("https://provider.example/authorize");
    for (const [key, value] of Object.entries({
      redirect_uri: "https://app.example/api/oauth/callback/google",
      code_challenge: "bobs-challenge",
      code_challenge_method: "plain",
      client_id: "org-client",
      response_type: "token",
      scope: "everything",
    }))
      baked.searchParams.append(key, value);
    const url = buildAuthorizationUrl({ ...base, endpoints: { ...endpoints, authorizeUrl: baked.href }, delimiter: "space" });
    for (const [key, value] of Object.entries({
      redirect_uri: base.redirectUri,
      code_challenge: "challenge-1",
      code_challenge_method: "S256",
      client_id: "client id/1",
      response_type: "code",
      scope: "read write",
    }))
      expect(url.searchParams.getAll(key), key).toEqual([value]);
  });

  it("omits scope when there is none, and PKCE when no challenge is given", () => {
    const url = buildAuthorizationUrl({ ...base, scopes: [], pkceChallenge: undefined, delimiter: "space" });
    expect(url.searchParams.has("scope")).toBe(false);
    expect(url.searchParams.has("code_challenge")).toBe(false);
  });

  it("refuses unusable authorize URLs", () => {
    for (const authorizeUrl of [undefined, "not a url", "javascript:alert(1)", "ftp://x/y"]) {
      expect(() => buildAuthorizationUrl({ ...base, endpoints: { ...endpoints, authorizeUrl }, delimiter: "space" })).toThrow(
        expect.objectContaining({ code: "invalid_configuration" }),
      );
    }
  });

  it("any scope list reaches the provider joined by the chosen character, whichever decoder it uses (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(scopeValue, { minLength: 1, maxLength: 6 }), delimiter, (scopes, d) => {
        const url = buildAuthorizationUrl({ ...base, scopes, delimiter: d });
        const expected = scopes.join(scopeDelimiterChars[d]);
        expect(url.searchParams.get("scope")).toBe(expected);
        expect(percentDecodeQuery(url.search).get("scope")).toBe(expected);
      }),
    );
  });
});
