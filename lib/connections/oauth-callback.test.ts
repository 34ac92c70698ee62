/**
 * The OAuth 2 consent flow of a connection end to end below the HTTP layer:
 * startAuthorization → the provider's own login and consent pages (oidc-provider on
 * loopback, driven over HTTP) → completeAuthorization with the callback URL.
 * docs/product.md §9: state bound to the session, single use, short-lived; PKCE; `iss` checked.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, credentials, oauthTransactions } from "@/db/schema";
import { completeLoginAndConsentWithFetch, startIdp, type Idp } from "@/test/peers/idp";
import type { Actor } from "@/lib/auth/users";
import { openJson, sealJson } from "@/lib/secrets";
import { setServiceApp } from "@/lib/services/apps";
import { createConnectionSchema } from "@/lib/validation/connections";
import { serviceAppSchema } from "@/lib/validation/service-apps";
import {
  createAppContext,
  setupTestEnv,
  TEST_IDP_CLIENT,
  TEST_IDP_LINK_NAME,
  TEST_APP_URL,
  TEST_IDP_NAME,
  testIdpClient,
  testRedirectUri,
  type AppContext,
} from "@/test/harness";
import { databaseKinds } from "@/test/harness";
import { AuthorizationFailed, type ConsentMode as StartMode } from "@/lib/errors";
import { completeAuthorization } from "./complete-authorization";
import { consentResultPage } from "./consent-page";
import { startAuthorization } from "./start-authorization";
import { createConnection } from "./create-connection";
import { openCredential } from "@/lib/credentials/credentials";
import { getConnectionSummary } from "./get-connection-summary";

const ACCESS_TOKEN_TTL = 3600;
const INVALID_STATE = /invalid, expired or was already used/;
const OTHER_SESSION = /started in another session/;

let idp: Idp;

beforeAll(async () => {
  idp = await startIdp({ clients: [testIdpClient()], scopes: ["read", "write"], accessTokenTtl: ACCESS_TOKEN_TTL });
  setupTestEnv({ idpIssuer: idp.issuer });
});

afterAll(async () => {
  await idp?.close();
});

const newBinding = () => randomBytes(24).toString("base64url");

async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(idp.endpoints.introspection, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${TEST_IDP_CLIENT.clientId}:${TEST_IDP_CLIENT.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Expects completeAuthorization to be refused with AuthorizationFailed; returns it. */
async function refused(p: Promise<unknown>, message: RegExp): Promise<AuthorizationFailed> {
  const error = await p.then(
    () => {
      throw new Error("expected the callback to be refused, but it succeeded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthorizationFailed);
  const failure = error as AuthorizationFailed;
  expect(failure.message).toMatch(message);
  // Never a secret in what the user reads.
  expect(failure.message).not.toContain(TEST_IDP_CLIENT.clientSecret);
  return failure;
}

describe.each(databaseKinds)("OAuth 2 consent and callback (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  let seq = 0;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob } = ctx.actors);
    await setServiceApp(
      ctx.db,
      ada,
      serviceAppSchema.parse({
        serviceLinkName: TEST_IDP_LINK_NAME,
        clientId: TEST_IDP_CLIENT.clientId,
        clientSecret: TEST_IDP_CLIENT.clientSecret,
      }),
    );
  });

  afterAll(async () => {
    await ctx?.drop();
  });

  async function newConnection(actor: Actor = ada, scopes = ["openid", "read", "write"]): Promise<string> {
    seq += 1;
    const { id } = await createConnection(
      ctx.db,
      actor,
      createConnectionSchema.parse({
        service: { kind: "catalog", linkName: TEST_IDP_LINK_NAME },
        name: `IdP ${seq}`,
        linkName: `idp_${kind}_${seq}`,
        scopes,
      }),
    );
    return id;
  }

  /** Starts the flow and goes through the provider's pages; returns what the callback route would receive. */
  async function consent(
    connectionId: string,
    opts: { actor?: Actor; binding?: string; deny?: boolean; login?: string; mode?: StartMode } = {},
  ) {
    const actor = opts.actor ?? ada;
    const binding = opts.binding ?? newBinding();
    const { redirectTo } = await startAuthorization(ctx.db, actor, {
      connectionId,
      browserBinding: binding,
      mode: opts.mode ?? "popup",
    });
    const authorizeUrl = new URL(redirectTo);
    const callback = await completeLoginAndConsentWithFetch(authorizeUrl, opts.login ?? "ada-at-idp", { deny: opts.deny });
    return { actor, binding, authorizeUrl, state: authorizeUrl.searchParams.get("state")!, callback };
  }

  const credentialsOf = (connectionId: string) =>
    ctx.db.select().from(credentials).where(eq(credentials.connectionId, connectionId));
  const transactionsOf = (connectionId: string) =>
    ctx.db.select().from(oauthTransactions).where(eq(oauthTransactions.connectionId, connectionId));

  async function expectNoCredential(connectionId: string) {
    expect(await credentialsOf(connectionId)).toEqual([]);
    const summary = await getConnectionSummary(ctx.db, ada, connectionId);
    expect(summary.status).toBe("not_connected");
    expect(summary.grantedScopes).toEqual([]);
  }

  it("happy path: start → consent → callback stores a connected, sealed credential with granted scopes and expiry", async () => {
    const connectionId = await newConnection();
    const binding = newBinding();
    const before = Date.now();
    const { authorizeUrl, state, callback } = await consent(connectionId, { binding });

    // The authorization request: our client, exact redirect URI, the connection's scopes, PKCE S256.
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(idp.endpoints.authorization);
    expect(authorizeUrl.searchParams.get("client_id")).toBe(TEST_IDP_CLIENT.clientId);
    expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(testRedirectUri(TEST_IDP_LINK_NAME));
    expect(authorizeUrl.searchParams.get("scope")).toBe("openid read write");
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizeUrl.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state.length).toBeGreaterThanOrEqual(32);

    // The transaction is recorded without the raw state, the verifier or the binding in clear.
    const [tx] = await transactionsOf(connectionId);
    expect(tx).toMatchObject({
      kind: "oauth2",
      userId: ada.id,
      orgId: ada.orgId,
      expectedIssuer: idp.issuer,
      requestedScopes: ["openid", "read", "write"],
    });
    expect(JSON.stringify(tx)).not.toContain(state);
    expect(JSON.stringify(tx)).not.toContain(binding);
    expect(tx.expiresAt.getTime()).toBeGreaterThan(before);
    expect(tx.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 10 * 60 * 1000 + 1000);

    // The provider came back to our exact redirect URI with code, state and iss.
    expect(callback.origin + callback.pathname).toBe(testRedirectUri(TEST_IDP_LINK_NAME));
    expect(callback.searchParams.get("iss")).toBe(idp.issuer);
    expect(callback.searchParams.get("state")).toBe(state);

    const result = await completeAuthorization(ctx.db, ada, {
      serviceLinkName: TEST_IDP_LINK_NAME,
      callbackUrl: callback,
      browserBinding: binding,
    });
    expect(result).toEqual({ connectionId, mode: "popup", accountChanged: false });
    expect(await transactionsOf(connectionId)).toEqual([]); // consumed

    const [credential] = await credentialsOf(connectionId);
    expect(credential).toMatchObject({
      userId: ada.id,
      orgId: ada.orgId,
      status: "connected",
      grantedScopes: ["openid", "read", "write"],
    });
    expect(credential.authorizedAt).toBeInstanceOf(Date);
    expect(credential.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + (ACCESS_TOKEN_TTL - 5) * 1000);
    expect(credential.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + (ACCESS_TOKEN_TTL + 1) * 1000);

    // Sealed at rest: neither token appears anywhere in the stored row.
    const payload = openCredential(credential);
    expect(payload?.type).toBe("oauth2");
    if (payload?.type !== "oauth2") throw new Error("unreachable");
    expect(payload.accessToken.length).toBeGreaterThan(10);
    expect(payload.refreshToken).toEqual(expect.any(String));
    expect(credential.payloadSealed).not.toContain(payload.accessToken);
    expect(JSON.stringify(credential)).not.toContain(payload.accessToken);
    expect(JSON.stringify(credential)).not.toContain(payload.refreshToken!);
    expect(credential.payloadSealed).not.toContain(Buffer.from(payload.accessToken).toString("base64"));
    // ...and it is a real token of that grant.
    expect(await introspect(payload.accessToken)).toMatchObject({
      active: true,
      client_id: TEST_IDP_CLIENT.clientId,
      sub: "ada-at-idp",
    });

    const summary = await getConnectionSummary(ctx.db, ada, connectionId);
    expect(summary).toMatchObject({
      status: "connected",
      grantedScopes: ["openid", "read", "write"],
      notConfigured: false,
      usesPopup: true,
      isOwner: true,
      service: { name: TEST_IDP_NAME, linkName: TEST_IDP_LINK_NAME, authType: "oauth2" },
    });
    expect(summary.expiresAt).toBe(credential.expiresAt!.toISOString());
    expect(summary.authorizedAt).toBe(credential.authorizedAt!.toISOString());
    expect(JSON.stringify(summary)).not.toContain(payload.accessToken);

    const events = await ctx.db.select().from(auditEvents).where(eq(auditEvents.connectionId, connectionId));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["connection.created", "connection.authorized"]));
    expect(JSON.stringify(events)).not.toContain(payload.accessToken);
  });

  it("remembers the full-page redirect mode and grants only the scopes asked for", async () => {
    const connectionId = await newConnection(ada, ["read"]);
    const { binding, callback, authorizeUrl } = await consent(connectionId, { mode: "redirect" });
    expect(authorizeUrl.searchParams.get("scope")).toBe("read");
    await expect(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
    ).resolves.toEqual({
      connectionId,
      mode: "redirect",
      accountChanged: false,
    });
    const [credential] = await credentialsOf(connectionId);
    expect(credential.grantedScopes).toEqual(["read"]);
  });

  it("remembers the consenting account (the ID token's sub) and says when a reconnect used another", async () => {
    const connectionId = await newConnection(ada);
    const complete = (c: { binding: string; callback: URL }) =>
      completeAuthorization(ctx.db, ada, {
        serviceLinkName: TEST_IDP_LINK_NAME,
        callbackUrl: c.callback,
        browserBinding: c.binding,
      });
    expect((await complete(await consent(connectionId, { login: "ada-at-idp" }))).accountChanged).toBe(false);
    expect((await credentialsOf(connectionId))[0]).toMatchObject({ providerAccountId: "ada-at-idp", renewable: true });
    // Reconnecting as the same account: no warning.
    expect((await complete(await consent(connectionId, { login: "ada-at-idp" }))).accountChanged).toBe(false);
    // As another account: warned, and the new account is remembered.
    expect((await complete(await consent(connectionId, { login: "someone-else" }))).accountChanged).toBe(true);
    expect((await credentialsOf(connectionId))[0].providerAccountId).toBe("someone-else");
  });

  it("refuses a tampered state, without calling the token endpoint", async () => {
    const connectionId = await newConnection();
    const { binding, state, callback } = await consent(connectionId);
    const tampered = new URL(callback);
    const last = state.at(-1)!;
    tampered.searchParams.set("state", state.slice(0, -1) + (last === "A" ? "B" : "A"));
    const tokenCalls = idp.counters.token;
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: tampered, browserBinding: binding }),
      INVALID_STATE,
    );
    const noState = new URL(callback);
    noState.searchParams.delete("state");
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: noState, browserBinding: binding }),
      INVALID_STATE,
    );
    expect(idp.counters.token).toBe(tokenCalls);
    await expectNoCredential(connectionId);
  });

  it("refuses a replayed callback: the state is single use", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId);
    await completeAuthorization(ctx.db, ada, {
      serviceLinkName: TEST_IDP_LINK_NAME,
      callbackUrl: callback,
      browserBinding: binding,
    });
    const [first] = await credentialsOf(connectionId);
    const tokenCalls = idp.counters.token;

    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
      INVALID_STATE,
    );

    expect(idp.counters.token).toBe(tokenCalls); // the code was not sent again
    const after = await credentialsOf(connectionId);
    expect(after).toHaveLength(1);
    expect(after[0].version).toBe(first.version); // nothing new stored
    expect(after[0].payloadSealed).toBe(first.payloadSealed);
  });

  it("refuses an expired transaction, and consumes it", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId);
    await ctx.db
      .update(oauthTransactions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthTransactions.connectionId, connectionId));
    const tokenCalls = idp.counters.token;
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
      INVALID_STATE,
    );
    expect(idp.counters.token).toBe(tokenCalls);
    expect(await transactionsOf(connectionId)).toEqual([]);
    await expectNoCredential(connectionId);
  });

  it("refuses a callback completed by another user", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId);
    const tokenCalls = idp.counters.token;
    // Even with ada's browser binding, bob's session cannot use ada's transaction.
    await refused(
      completeAuthorization(ctx.db, bob, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
      OTHER_SESSION,
    );
    expect(idp.counters.token).toBe(tokenCalls);
    expect(await credentialsOf(connectionId)).toEqual([]);
    // The attempt burnt the transaction: ada must start again.
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
      INVALID_STATE,
    );
    await expectNoCredential(connectionId);
  });

  it("refuses a callback from another browser of the same user (binding differs or is missing)", async () => {
    const connectionId = await newConnection();
    const first = await consent(connectionId);
    await refused(
      completeAuthorization(ctx.db, ada, {
        serviceLinkName: TEST_IDP_LINK_NAME,
        callbackUrl: first.callback,
        browserBinding: newBinding(),
      }),
      OTHER_SESSION,
    );
    const second = await consent(connectionId);
    await refused(
      completeAuthorization(ctx.db, ada, {
        serviceLinkName: TEST_IDP_LINK_NAME,
        callbackUrl: second.callback,
        browserBinding: undefined,
      }),
      OTHER_SESSION,
    );
    await expectNoCredential(connectionId);
  });

  it("refuses a callback without iss (the provider advertises RFC 9207), without calling the token endpoint", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId);
    const stripped = new URL(callback);
    stripped.searchParams.delete("iss");
    const tokenCalls = idp.counters.token;
    const failure = await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: stripped, browserBinding: binding }),
      /^Test IdP refused the authorization \(invalid_issuer\)/,
    );
    expect(failure.connectionId).toBe(connectionId);
    expect(idp.counters.token).toBe(tokenCalls);
    await expectNoCredential(connectionId);
    const events = await ctx.db.select().from(auditEvents).where(eq(auditEvents.connectionId, connectionId));
    expect(events.find((e) => e.action === "connection.authorization_failed")?.detail).toEqual({ code: "invalid_issuer" });
  });

  it("refuses a callback with a wrong iss, without calling the token endpoint", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId);
    const forged = new URL(callback);
    forged.searchParams.set("iss", "https://attacker.example");
    const tokenCalls = idp.counters.token;
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: forged, browserBinding: binding }),
      /^Test IdP refused the authorization \(invalid_issuer\)/,
    );
    expect(idp.counters.token).toBe(tokenCalls);
    await expectNoCredential(connectionId);
  });

  it("refuses error=access_denied with a clear message", async () => {
    const connectionId = await newConnection();
    const { binding, callback } = await consent(connectionId, { deny: true });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    const tokenCalls = idp.counters.token;
    const failure = await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: callback, browserBinding: binding }),
      /^Access was denied at Test IdP\. Nothing was stored\.$/,
    );
    expect(failure.connectionId).toBe(connectionId);
    expect(idp.counters.token).toBe(tokenCalls);
    await expectNoCredential(connectionId);
  });

  it("a refusal is told in our words with the provider's code: its error_description never reaches the page", async () => {
    const connectionId = await newConnection();
    const bait = "Your account is locked, call +1 555 0100";
    /** A consent the provider answers with `error` (and `bait` as its description): the failure shown. */
    const refusedWith = async (error: string, shown: RegExp) => {
      const { binding, callback } = await consent(connectionId);
      const refusedUrl = new URL(callback);
      refusedUrl.searchParams.delete("code");
      refusedUrl.searchParams.set("error", error);
      refusedUrl.searchParams.set("error_description", bait);
      const failure = await refused(
        completeAuthorization(ctx.db, ada, {
          serviceLinkName: TEST_IDP_LINK_NAME,
          callbackUrl: refusedUrl,
          browserBinding: binding,
        }),
        shown,
      );
      // The bait's own words: a bare "555" may turn up in a random id on the page.
      expect(failure.message).not.toContain("555 0100");
      expect(failure.message).not.toContain("account is locked");
      return failure;
    };
    const failure = await refusedWith(
      "invalid_scope",
      /^Test IdP refused the authorization \(invalid_scope\)\. Check the connection's scopes/,
    );
    const page = await consentResultPage({ ok: false, connectionId, message: failure.message }, TEST_APP_URL).text();
    expect(page).not.toContain("555 0100");
    expect(page).not.toContain("account is locked");
    // A code that is not a plain token is not shown either.
    await refusedWith("call_555_0100 now", /^Test IdP refused the authorization \(error\)\./);
    // Nor is the text of a provider that answers with one of our own codes (the service's creator may run it).
    await refusedWith("invalid_state", /^Test IdP refused the authorization \(invalid_state\)\. Check the connection's scopes/);
    await expectNoCredential(connectionId);
  });

  it("refuses a reused authorization code (the provider answers invalid_grant), even with the right PKCE verifier", async () => {
    // First flow: completed normally.
    const first = await newConnection();
    const a = await consent(first);
    const [txA] = await transactionsOf(first);
    const { verifier } = openJson<{ verifier: string }>("oauthTransaction", txA, txA.secretSealed);
    await completeAuthorization(ctx.db, ada, {
      serviceLinkName: TEST_IDP_LINK_NAME,
      callbackUrl: a.callback,
      browserBinding: a.binding,
    });

    // Second flow: a fresh, valid transaction, but the callback carries the first (spent) code.
    const second = await newConnection();
    const binding = newBinding();
    const { redirectTo } = await startAuthorization(ctx.db, ada, {
      connectionId: second,
      browserBinding: binding,
      mode: "popup",
    });
    const stateB = new URL(redirectTo).searchParams.get("state")!;
    const [txB] = await transactionsOf(second);
    // Give transaction B the verifier of A, so the only thing wrong is the reused code.
    await ctx.db
      .update(oauthTransactions)
      .set({ secretSealed: sealJson("oauthTransaction", txB, { verifier }) })
      .where(eq(oauthTransactions.id, txB.id));
    const crafted = new URL(a.callback);
    crafted.searchParams.set("state", stateB);

    const codeExchanges = idp.counters.byGrant.authorization_code ?? 0;
    await refused(
      completeAuthorization(ctx.db, ada, { serviceLinkName: TEST_IDP_LINK_NAME, callbackUrl: crafted, browserBinding: binding }),
      /^Test IdP refused the authorization \(invalid_grant\)/,
    );
    expect(idp.counters.byGrant.authorization_code).toBe(codeExchanges + 1); // asked, and refused by the provider
    expect(await credentialsOf(second)).toEqual([]);
    expect(await transactionsOf(second)).toEqual([]);

    // Without the verifier swap (a fresh verifier and the old code) it is refused the same way.
    const third = await newConnection();
    const c = await consent(third);
    const crafted2 = new URL(a.callback);
    crafted2.searchParams.set("state", c.state);
    await refused(
      completeAuthorization(ctx.db, ada, {
        serviceLinkName: TEST_IDP_LINK_NAME,
        callbackUrl: crafted2,
        browserBinding: c.binding,
      }),
      /^Test IdP refused the authorization \(invalid_grant\)/,
    );
    expect(await credentialsOf(third)).toEqual([]);
  });
});
