/**
 * The OAuth 2 flows against a real provider: panva's oidc-provider on loopback
 * (test/peers/idp.ts), driven through its dev login and consent pages over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { completeLoginAndConsentWithFetch, startIdp, type Idp } from "@/test/peers/idp";
import type { ScopeDelimiter } from "@/lib/validation/enums";

import {
  buildAuthorizationUrl,
  clientCredentialsToken,
  createPkce,
  discover,
  exchangeAuthorizationCode,
  OAuth2Error,
  randomState,
  refreshTokens,
  revokeToken,
  type OAuth2Client,
  type OAuth2Endpoints,
  type TransportOptions,
} from "./index";

const REDIRECT_URI = "http://127.0.0.1:1/api/oauth/callback";
const web: OAuth2Client = { clientId: "web-app", clientSecret: "web-app-secret-7f3a9c" };
const postClient: OAuth2Client = { clientId: "post-app", clientSecret: "post-app-secret-2b8d1e" };
const transport: TransportOptions = { fetch: globalThis.fetch, allowInsecureRequests: true };

let idp: Idp;
let endpoints: OAuth2Endpoints;

beforeAll(async () => {
  idp = await startIdp({
    clients: [
      {
        client_id: web.clientId,
        client_secret: web.clientSecret,
        redirect_uris: [REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      },
      {
        client_id: postClient.clientId,
        client_secret: postClient.clientSecret,
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    scopes: ["read", "write"],
    accessTokenTtl: 120,
  });
  endpoints = await discover(idp.issuer, transport);
});

afterAll(async () => {
  await idp?.close();
});

/** Runs the browser part of the flow; returns what the callback route would get. */
async function authorize(opts: {
  scopes?: string[];
  delimiter?: ScopeDelimiter;
  deny?: boolean;
  endpoints?: OAuth2Endpoints;
  login?: string;
}) {
  const pkce = createPkce();
  const state = randomState();
  const scopes = opts.scopes ?? ["read", "write"];
  const url = buildAuthorizationUrl({
    endpoints: opts.endpoints ?? endpoints,
    client: web,
    redirectUri: REDIRECT_URI,
    scopes,
    delimiter: opts.delimiter ?? "space",
    state,
    pkceChallenge: pkce.challenge,
  });
  const callback = await completeLoginAndConsentWithFetch(url, opts.login ?? "alice", { deny: opts.deny });
  return { callback, state, pkce, scopes };
}

function exchange(
  a: Awaited<ReturnType<typeof authorize>>,
  override: Partial<Parameters<typeof exchangeAuthorizationCode>[0]> = {},
) {
  return exchangeAuthorizationCode({
    endpoints,
    client: web,
    redirectUri: REDIRECT_URI,
    currentUrl: a.callback,
    expectedState: a.state,
    pkceVerifier: a.pkce.verifier,
    requestedScopes: a.scopes,
    transport,
    ...override,
  });
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${idp.issuer}/token/introspection`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${web.clientId}:${web.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Asserts an OAuth2Error with this code, and that no secret leaked into its message. */
async function expectOAuth2Error(p: Promise<unknown>, code: string, ...secrets: string[]): Promise<OAuth2Error> {
  const err = await p.then(
    () => {
      throw new Error(`expected OAuth2Error ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuth2Error);
  const e = err as OAuth2Error;
  expect(e.code, e.message).toBe(code);
  for (const s of [web.clientSecret, postClient.clientSecret, ...secrets]) expect(e.message).not.toContain(s);
  return e;
}

describe("discovery", () => {
  it("reads the provider's metadata (RFC 8414 / OIDC)", () => {
    expect(endpoints).toEqual({
      issuer: idp.issuer,
      authorizeUrl: `${idp.issuer}/auth`,
      tokenUrl: `${idp.issuer}/token`,
      revocationUrl: `${idp.issuer}/token/revocation`,
      tokenAuthMethod: "client_secret_basic",
      issParameterSupported: true,
    });
  });

  it("refuses plain http unless insecure requests are allowed", async () => {
    await expectOAuth2Error(discover(idp.issuer, { ...transport, allowInsecureRequests: false }), "insecure_endpoint");
  });
});

describe("authorization code with PKCE", () => {
  it("signs in, consents, exchanges the code, and gets working tokens", async () => {
    const before = Date.now();
    const a = await authorize({ scopes: ["openid", "read", "write"] });
    expect(a.callback.origin + a.callback.pathname).toBe(REDIRECT_URI);
    expect(a.callback.searchParams.get("iss")).toBe(idp.issuer);

    const tokens = await exchange(a);
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.tokenType).toBe("bearer");
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.scope).toEqual(["openid", "read", "write"]);
    expect(tokens.idToken).toEqual(expect.any(String)); // validated: issuer known
    const expiresAt = tokens.expiresAt!.getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 115_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 121_000);

    const info = await introspect(tokens.accessToken);
    expect(info).toMatchObject({ active: true, client_id: web.clientId, sub: "alice", scope: "openid read write" });
  });

  it("works for a service configured without an issuer when the response names none; the ID token is dropped", async () => {
    const plain: OAuth2Endpoints = {
      authorizeUrl: endpoints.authorizeUrl,
      tokenUrl: endpoints.tokenUrl,
      tokenAuthMethod: "client_secret_basic",
    };
    const a = await authorize({ scopes: ["openid", "read"], endpoints: plain });
    a.callback.searchParams.delete("iss");
    const tokens = await exchange(a, { endpoints: plain });
    expect(tokens.scope).toEqual(["openid", "read"]);
    expect(tokens.idToken).toBeUndefined();
  });

  it("takes an iss from the origin that serves both endpoints of a service without a known issuer (a custom service built from §6's fields)", async () => {
    const plain: OAuth2Endpoints = {
      authorizeUrl: endpoints.authorizeUrl,
      tokenUrl: endpoints.tokenUrl,
      tokenAuthMethod: "client_secret_basic",
    };
    const b = await authorize({ scopes: ["openid", "read"], endpoints: plain });
    expect(b.callback.searchParams.get("iss")).toBe(idp.issuer); // the provider names itself, as RFC 9207 says
    const tokens = await exchange(b, { endpoints: plain });
    expect(tokens.scope).toEqual(["openid", "read"]);
  });

  it("refuses an iss it cannot check otherwise: another origin, or a token endpoint elsewhere (a mix-up, RFC 9700 §4.4)", async () => {
    const plain: OAuth2Endpoints = {
      authorizeUrl: endpoints.authorizeUrl,
      tokenUrl: endpoints.tokenUrl,
      tokenAuthMethod: "client_secret_basic",
    };
    const tokenCalls = idp.counters.token;
    const b = await authorize({ endpoints: plain });
    const elsewhere = new URL(b.callback);
    elsewhere.searchParams.set("iss", "https://attacker.example");
    await expectOAuth2Error(exchange(b, { endpoints: plain, currentUrl: elsewhere }), "invalid_issuer");
    // The real provider's authorize page with a token endpoint of one's own: the mix-up's shape.
    const borrowed: OAuth2Endpoints = { ...plain, tokenUrl: "http://127.0.0.1:1/token" };
    await expectOAuth2Error(exchange(b, { endpoints: borrowed }), "invalid_issuer");
    expect(idp.counters.token).toBe(tokenCalls); // the code never went to a token endpoint
  });

  it("is refused without the PKCE verifier (the provider requires PKCE)", async () => {
    const a = await authorize({});
    const e = await expectOAuth2Error(
      exchange(a, { pkceVerifier: undefined }),
      "invalid_grant",
      a.callback.searchParams.get("code")!,
    );
    expect(e.status).toBe(400);
  });

  it("refuses a wrong or missing state before contacting the token endpoint", async () => {
    const a = await authorize({});
    const tokenCalls = idp.counters.token;
    await expectOAuth2Error(exchange(a, { expectedState: randomState() }), "invalid_state");
    const noState = new URL(a.callback);
    noState.searchParams.delete("state");
    await expectOAuth2Error(exchange(a, { currentUrl: noState }), "invalid_state");
    expect(idp.counters.token).toBe(tokenCalls);
    // the untouched response still works
    await expect(exchange(a)).resolves.toMatchObject({ scope: ["read", "write"] });
  });

  it("refuses a wrong iss, and a missing iss when the provider advertises it (RFC 9207)", async () => {
    const a = await authorize({});
    const wrong = new URL(a.callback);
    wrong.searchParams.set("iss", "http://127.0.0.1:1");
    await expectOAuth2Error(exchange(a, { currentUrl: wrong }), "invalid_issuer");

    const missing = new URL(a.callback);
    missing.searchParams.delete("iss");
    await expectOAuth2Error(exchange(a, { currentUrl: missing }), "invalid_issuer");

    // A provider that does not advertise iss may omit it.
    await expect(
      exchange(a, { currentUrl: missing, endpoints: { ...endpoints, issParameterSupported: false } }),
    ).resolves.toMatchObject({ tokenType: "bearer" });
  });

  it("reports the user's refusal as access_denied", async () => {
    const a = await authorize({ deny: true });
    expect(a.callback.searchParams.get("error")).toBe("access_denied");
    const tokenCalls = idp.counters.token;
    const e = await expectOAuth2Error(exchange(a), "access_denied");
    expect(e.message).toMatch(/denied/i);
    expect(idp.counters.token).toBe(tokenCalls);
  });

  it("refuses a code used twice with invalid_grant", async () => {
    const a = await authorize({});
    const code = a.callback.searchParams.get("code")!;
    const first = await exchange(a);
    const e = await expectOAuth2Error(exchange(a), "invalid_grant", code, first.accessToken);
    expect(e.status).toBe(400);
  });

  it("refuses a wrong client secret at the code exchange with invalid_client", async () => {
    const a = await authorize({});
    const wrong = { ...web, clientSecret: "wrong-secret-value-33" };
    const e = await expectOAuth2Error(exchange(a, { client: wrong }), "invalid_client", wrong.clientSecret);
    expect(e.status).toBe(401);
  });

  // Note: oidc-provider 9 accepts client_secret_basic and client_secret_post alike for a
  // secret-based client, so the wire format of each method is checked against a fake
  // token endpoint in failures.test.ts instead.
  it("exchanges with client_secret_post too", async () => {
    const a = await authorize({});
    await expect(exchange(a, { endpoints: { ...endpoints, tokenAuthMethod: "client_secret_post" } })).resolves.toMatchObject({
      tokenType: "bearer",
    });
  });
});

describe("refresh", () => {
  it("returns a rotated refresh token; reusing the old one is invalid_grant", async () => {
    const a = await authorize({ scopes: ["read"] });
    const first = await exchange(a);
    const byGrant = idp.counters.byGrant.refresh_token ?? 0;

    const second = await refreshTokens({ endpoints, client: web, refreshToken: first.refreshToken!, transport });
    expect(idp.counters.byGrant.refresh_token).toBe(byGrant + 1);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.scope).toEqual(["read"]);
    expect(second.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect((await introspect(second.accessToken)).active).toBe(true);

    const e = await expectOAuth2Error(
      refreshTokens({ endpoints, client: web, refreshToken: first.refreshToken!, transport }),
      "invalid_grant",
      first.refreshToken!,
      second.refreshToken!,
    );
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/refresh token/);
  });

  it("keeps the same refresh token when the provider does not rotate", async () => {
    const steady = await startIdp({
      clients: [{ client_id: web.clientId, client_secret: web.clientSecret, redirect_uris: [REDIRECT_URI] }],
      rotateRefreshToken: false,
    });
    try {
      const ep = await discover(steady.issuer, transport);
      const a = await authorize({ endpoints: ep });
      const first = await exchange(a, { endpoints: ep });
      const second = await refreshTokens({
        endpoints: ep,
        client: web,
        refreshToken: first.refreshToken!,
        transport,
        grantedScopes: ["x"],
      });
      expect(second.refreshToken).toBe(first.refreshToken);
      expect(second.scope).toEqual(["read", "write"]); // from the response, not the fallback
    } finally {
      await steady.close();
    }
  });

  it("uses the refresh URL when it differs from the token URL", async () => {
    const a = await authorize({});
    const first = await exchange(a);
    const split = { ...endpoints, tokenUrl: "http://127.0.0.1:1/never-used", refreshUrl: endpoints.tokenUrl };
    await expect(
      refreshTokens({ endpoints: split, client: web, refreshToken: first.refreshToken!, transport }),
    ).resolves.toMatchObject({
      tokenType: "bearer",
    });
  });
});

describe("client credentials", () => {
  it("gets a token with the granted scopes (client_secret_basic)", async () => {
    const before = idp.counters.byGrant.client_credentials ?? 0;
    const tokens = await clientCredentialsToken({
      endpoints,
      client: web,
      scopes: ["read", "write"],
      delimiter: "space",
      transport,
    });
    expect(idp.counters.byGrant.client_credentials).toBe(before + 1);
    expect(tokens.scope).toEqual(["read", "write"]);
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect(await introspect(tokens.accessToken)).toMatchObject({ active: true, client_id: web.clientId, scope: "read write" });
  });

  it("gets a token with client_secret_post", async () => {
    const tokens = await clientCredentialsToken({
      endpoints: { ...endpoints, tokenAuthMethod: "client_secret_post" },
      client: postClient,
      scopes: ["read"],
      delimiter: "comma",
      transport,
    });
    expect(tokens.scope).toEqual(["read"]);
  });

  it("refuses a wrong client secret with invalid_client, without echoing it", async () => {
    const wrong = { ...web, clientSecret: "wrong-secret-value-91" };
    const e = await expectOAuth2Error(
      clientCredentialsToken({ endpoints, client: wrong, scopes: ["read"], delimiter: "space", transport }),
      "invalid_client",
      wrong.clientSecret,
    );
    expect(e.status).toBe(401);
  });
});

describe("scope delimiter matters: this provider wants spaces", () => {
  it.each(["comma", "plus"] as const)("a %s-delimited authorization request is refused with invalid_scope", async (delimiter) => {
    const a = await authorize({ scopes: ["read", "write"], delimiter });
    expect(a.callback.searchParams.get("error")).toBe("invalid_scope");
    await expectOAuth2Error(exchange(a), "invalid_scope");
  });

  it("a comma-delimited client-credentials request is refused with invalid_scope", async () => {
    const e = await expectOAuth2Error(
      clientCredentialsToken({ endpoints, client: web, scopes: ["read", "write"], delimiter: "comma", transport }),
      "invalid_scope",
    );
    expect(e.status).toBe(400);
  });

  it("stock oidc-provider (ignoring unknown scopes) still refuses a comma-delimited sign-in: nothing was granted", async () => {
    const lax = await startIdp({
      clients: [{ client_id: web.clientId, client_secret: web.clientSecret, redirect_uris: [REDIRECT_URI] }],
      strictScopes: false,
    });
    try {
      const ep = await discover(lax.issuer, transport);
      const a = await authorize({ endpoints: ep, delimiter: "comma" });
      await expectOAuth2Error(exchange(a, { endpoints: ep }), "access_denied");
    } finally {
      await lax.close();
    }
  });
});

describe("revocation", () => {
  it("revokes a refresh token at the provider (RFC 7009); its grant's tokens become inactive", async () => {
    const a = await authorize({});
    const tokens = await exchange(a);
    expect((await introspect(tokens.accessToken)).active).toBe(true);

    const before = idp.counters.revocation;
    await expect(
      revokeToken({ endpoints, client: web, token: tokens.refreshToken!, tokenTypeHint: "refresh_token", transport }),
    ).resolves.toBe(true);
    expect(idp.counters.revocation).toBe(before + 1);
    expect((await introspect(tokens.refreshToken!)).active).toBe(false);
    await expectOAuth2Error(
      refreshTokens({ endpoints, client: web, refreshToken: tokens.refreshToken!, transport }),
      "invalid_grant",
      tokens.refreshToken!,
    );
  });

  it("revokes an access token", async () => {
    const tokens = await clientCredentialsToken({ endpoints, client: web, scopes: ["read"], delimiter: "space", transport });
    await expect(
      revokeToken({ endpoints, client: web, token: tokens.accessToken, tokenTypeHint: "access_token", transport }),
    ).resolves.toBe(true);
    expect((await introspect(tokens.accessToken)).active).toBe(false);
  });

  it("is a no-op returning false when the service has no revocation endpoint", async () => {
    const before = idp.counters.revocation;
    const { revocationUrl: _omit, ...noRevocation } = endpoints;
    await expect(revokeToken({ endpoints: noRevocation, client: web, token: "anything", transport })).resolves.toBe(false);
    expect(idp.counters.revocation).toBe(before);
  });
});
