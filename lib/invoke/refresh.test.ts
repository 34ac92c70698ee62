/**
 * OAuth 2 tokens in the invoke engine against a real provider (oidc-provider on loopback,
 * refresh-token rotation on) and an echo API that checks bearer tokens by introspection:
 * refresh ahead of expiry, one refresh and one retry on a 401, invalid_grant → needs_reauth
 * without a retry loop, token endpoint failures that leave the credential intact, and
 * client-credentials tokens reused until they expire. On PGlite, and on Postgres when
 * DATABASE_URL is set.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { invalidate } from "@/lib/cache/invalidation";
import { onRefresh, type RefreshEvent } from "@/lib/observe/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, credentials } from "@/db/schema";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startIdp, type Idp } from "@/test/peers/idp";
import { openCredential } from "@/lib/credentials/credentials";
import { errorBody } from "@/lib/api/error-response";
import { createTestDatabase, databaseKinds, type TestDatabase } from "@/test/harness";
import { createInvokeEngine, type InvokeEngine } from "./invoke";
import { loggableProviderError, refreshDue } from "./refresh";
import {
  addConnection,
  addCredential,
  setupTestEnv,
  credentialRow,
  idpTokens,
  oauth2Entry,
  rejection,
  revokeAtIdp,
  seedPeople,
  setOrgClient,
  TEST_APP_URL,
  TEST_REDIRECT_URI,
  type DemoPeople,
} from "@/test/harness";

const CLIENT = { clientId: "invoke-app", clientSecret: "invoke-app-secret-4c1d9e" };
const FAKE_CLIENT = { clientId: "fake-app", clientSecret: "fake-app-secret-88aa1f" };
const FAKE_REFRESH = "fake-refresh-token-7e57ab1e";
const ACCESS_TOKEN_TTL = 300;

let idp: Idp;
let echo: EchoApi;
let fake: Server;
let fakeUrl: string;
let fakeMode: "500" | "hang" | "malformed" | "crafted_code" = "500";
let fakeHits = 0;

beforeAll(async () => {
  idp = await startIdp({
    clients: [
      {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        redirect_uris: [TEST_REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      },
    ],
    scopes: ["read", "write"],
    accessTokenTtl: ACCESS_TOKEN_TTL,
  });
  echo = await startEchoApi({ introspect: { url: idp.endpoints.introspection, ...CLIENT } });
  fake = createServer((req, res) => {
    fakeHits += 1;
    req.resume();
    if (fakeMode === "hang") return; // never answers
    if (fakeMode === "crafted_code") {
      // A provider (or a service's creator) putting text of its choice where the OAuth error code goes.
      const error = `<a href="https://evil.example">Reconnect here</a>${"x".repeat(5000)}`;
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error }));
      return;
    }
    if (fakeMode === "500") {
      res.writeHead(500, { "content-type": "application/json" }).end('{"error":"server_error"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"access_token": "half');
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

  setupTestEnv({
    extraEntries: [
      oauth2Entry({
        linkName: "t_idp",
        baseUrl: echo.url,
        tokenUrl: idp.endpoints.token,
        authorizeUrl: idp.endpoints.authorization,
        scopes: ["read", "write"],
      }),
      oauth2Entry({
        linkName: "t_idp_query",
        baseUrl: echo.url,
        tokenUrl: idp.endpoints.token,
        paramType: "query",
        scopes: ["read"],
      }),
      oauth2Entry({ linkName: "t_idp_cc", baseUrl: echo.url, tokenUrl: idp.endpoints.token, grantType: "client_credentials" }),
      oauth2Entry({ linkName: "t_fake", baseUrl: echo.url, tokenUrl: `${fakeUrl}/token` }),
    ],
  });
});

afterAll(async () => {
  await echo?.close();
  await idp?.close();
  fake?.closeAllConnections();
  await new Promise((resolve) => fake?.close(resolve));
});

describe("refreshDue: min(max(60 s, 10 % of the lifetime), half the lifetime) before expiry", () => {
  const at = (ms: number) => new Date(ms);
  const now = 10_000_000_000;
  const row = (issued: number, expires: number | null) => ({
    expiresAt: expires === null ? null : at(expires),
    authorizedAt: at(issued),
    lastRefreshedAt: null,
    createdAt: at(issued),
  });
  it("60 s margin for mid-length tokens, 10 % for long ones, never without expires_at", () => {
    // 10 min lifetime: the 60 s floor applies.
    expect(refreshDue(row(now - 539_000, now + 61_000), now)).toBe(false);
    expect(refreshDue(row(now - 541_000, now + 59_000), now)).toBe(true);
    // 10 h lifetime: due in the last hour.
    expect(refreshDue(row(now - 9 * 3600_000 + 1000, now + 3600_000 + 1000), now)).toBe(false);
    expect(refreshDue(row(now - 9 * 3600_000 - 1000, now + 3600_000 - 1000), now)).toBe(true);
    expect(refreshDue(row(now, null), now)).toBe(false);
    expect(refreshDue({ ...row(now - 9 * 3600_000, now + 1), lastRefreshedAt: at(now - 10) }, now)).toBe(true);
  });
  it("a short-lived token is not due the moment it arrives: half its lifetime is the most", () => {
    // 30 s token just issued: margin 15 s, so not due until 15 s have passed.
    expect(refreshDue(row(now, now + 30_000), now)).toBe(false);
    expect(refreshDue(row(now - 14_000, now + 16_000), now)).toBe(false);
    expect(refreshDue(row(now - 16_000, now + 14_000), now)).toBe(true);
    // 100 s token: half (50 s) beats the 60 s floor.
    expect(refreshDue(row(now - 45_000, now + 55_000), now)).toBe(false);
    expect(refreshDue(row(now - 55_000, now + 45_000), now)).toBe(true);
  });
});

describe.each(databaseKinds)("OAuth 2 tokens in the invoke engine (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  let engine: InvokeEngine;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    for (const link of ["t_idp", "t_idp_query", "t_idp_cc"])
      await setOrgClient(database.db, people.ada.orgId, link, CLIENT.clientId, CLIENT.clientSecret);
    await setOrgClient(database.db, people.ada.orgId, "t_fake", FAKE_CLIENT.clientId, FAKE_CLIENT.clientSecret);
    engine = createInvokeEngine({ tokenTimeoutMs: 500 });
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** A connection of ada's with real tokens from the IdP; `expired` makes the stored one due. */
  async function connected(
    linkName: string,
    opts: { expired?: boolean; accessToken?: string; service?: string; access?: "owner" | "organization" } = {},
  ) {
    const connection = await addConnection(database.db, people.ada, {
      service: opts.service ?? "t_idp",
      linkName,
      scopes: ["read"],
      access: opts.access,
    });
    const tokens = await idpTokens(idp, CLIENT, ["read"]);
    const row = await addCredential(
      database.db,
      people.ada,
      connection.id,
      {
        type: "oauth2",
        accessToken: opts.accessToken ?? tokens.accessToken,
        refreshToken: tokens.refreshToken,
        tokenType: "bearer",
      },
      { expiresAt: opts.expired ? new Date(Date.now() - 1000) : tokens.expiresAt, grantedScopes: ["read"] },
    );
    return { connection, tokens, row };
  }

  const protectedUrl = () => `${echo.url}/oauth/protected`;

  it("refreshes an expired token before the call, stores the rotated refresh token (compare-and-swap), reuses it after", async () => {
    const { tokens, row } = await connected("refresh_ahead", { expired: true });
    expect(tokens.refreshToken).toBeTruthy();
    idp.resetCounters();
    const result = await engine.invoke(database.db, people.ada, { connection: "refresh_ahead", url: protectedUrl() });
    expect(result.kind === "upstream" && result.status).toBe(200);
    expect(idp.counters.byGrant.refresh_token).toBe(1);

    const after = await credentialRow(database.db, row.id);
    expect(after.version).toBe(row.version + 1);
    expect(after.lastRefreshedAt).toBeInstanceOf(Date);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + (ACCESS_TOKEN_TTL - 30) * 1000);
    const payload = openCredential(after);
    expect(payload?.type === "oauth2" && payload.refreshToken).toBeTruthy();
    expect(payload?.type === "oauth2" && payload.refreshToken).not.toBe(tokens.refreshToken); // rotated and stored
    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.connectionId, row.connectionId), eq(auditEvents.action, "connection.refreshed")));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].detail)).not.toContain(tokens.refreshToken!);

    await engine.invoke(database.db, people.ada, { connection: "refresh_ahead", url: protectedUrl() });
    expect(idp.counters.byGrant.refresh_token).toBe(1);
  });

  it("a 401 from the API: one refresh and one retry, which succeeds", async () => {
    await connected("after_401", { accessToken: "not-a-token-the-idp-knows" });
    idp.resetCounters();
    const before = echo.requests.length;
    const result = await engine.invoke(database.db, people.ada, { connection: "after_401", url: protectedUrl() });
    expect(result.kind === "upstream" && result.status).toBe(200);
    expect(idp.counters.byGrant.refresh_token).toBe(1);
    expect(echo.requests.length - before).toBe(2);
  });

  it("works with the token in the query string too", async () => {
    await connected("query_401", { accessToken: "stale", service: "t_idp_query" });
    idp.resetCounters();
    const result = await engine.invoke(database.db, people.ada, { connection: "query_401", url: protectedUrl() });
    expect(result.kind === "upstream" && result.status).toBe(200);
    expect(idp.counters.byGrant.refresh_token).toBe(1);
  });

  it("a second 401 is returned as it came, after exactly one refresh", async () => {
    await connected("always_401");
    idp.resetCounters();
    const before = echo.requests.length;
    const result = await engine.invoke(database.db, people.ada, { connection: "always_401", url: `${echo.url}/status/401` });
    expect(result.kind === "upstream" && result.status).toBe(401);
    expect(result.kind === "upstream" && JSON.parse(result.body.toString())).toMatchObject({ status: 401 });
    expect(idp.counters.byGrant.refresh_token).toBe(1);
    expect(echo.requests.length - before).toBe(2);
  });

  it("a refresh the provider refuses (invalid_grant) marks the credential needs_reauth, says how to fix it, and is not retried", async () => {
    // "Everyone in my organization", so that bob's call below reaches it.
    const { tokens, row } = await connected("refused", { expired: true, access: "organization" });
    await revokeAtIdp(idp, CLIENT, tokens.refreshToken!, "refresh_token");
    idp.resetCounters();
    const error = await rejection(engine.invoke(database.db, people.ada, { connection: "refused", url: protectedUrl() }));
    const { status, body } = errorBody(error);
    expect(status).toBe(409);
    expect(body.error.code).toBe("needs_reauth");
    expect(body.error.message).toMatch(/needs re-authentication: open the connection in Connections/);
    expect(body.error.message).toContain("click Connect/Authorize");
    expect(body.error.message).toContain(`${TEST_APP_URL}/connections/${row.connectionId}`);
    expect(body.error.message).not.toContain(tokens.refreshToken!);
    expect(idp.counters.token).toBe(1);

    const after = await credentialRow(database.db, row.id);
    expect(after.status).toBe("needs_reauth");
    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.connectionId, row.connectionId), eq(auditEvents.action, "connection.needs_reauth")));
    expect(audit).toHaveLength(1);

    // No retry loop: the next call fails at once, without asking the provider again.
    const again = await rejection(engine.invoke(database.db, people.ada, { connection: "refused", url: protectedUrl() }));
    expect(again.code).toBe("needs_reauth");
    expect(idp.counters.token).toBe(1);
  });

  it("bob calling ada's organization-wide connection that needs re-authentication is told to ask its owner", async () => {
    const error = await rejection(engine.invoke(database.db, people.bob, { connection: "refused", url: protectedUrl() }));
    expect(error.code).toBe("needs_reauth");
    expect(error.message).toMatch(/its owner must open the connection/);
  });

  describe.each(["500", "hang", "malformed"] as const)("token endpoint failure: %s", (mode) => {
    it("gives token_refresh_failed (502) and leaves the stored credential as it was", async () => {
      fakeMode = mode;
      const linkName = `fake_${mode}`;
      const connection = await addConnection(database.db, people.ada, { service: "t_fake", linkName });
      const row = await addCredential(
        database.db,
        people.ada,
        connection.id,
        { type: "oauth2", accessToken: "old-access", refreshToken: FAKE_REFRESH, tokenType: "bearer" },
        { expiresAt: new Date(Date.now() - 1000) },
      );
      const hits = fakeHits;
      const started = Date.now();
      const error = await rejection(engine.invoke(database.db, people.ada, { connection: linkName, url: `${echo.url}/x` }));
      const { status, body } = errorBody(error);
      expect(status).toBe(502);
      expect(body.error.code).toBe("token_refresh_failed");
      expect(body.error.message).toMatch(/Could not refresh the access token/);
      for (const secret of [FAKE_REFRESH, FAKE_CLIENT.clientSecret, "old-access"])
        expect(body.error.message).not.toContain(secret);
      expect(fakeHits - hits).toBe(1);
      expect(Date.now() - started).toBeLessThan(5000);

      const after = await credentialRow(database.db, row.id);
      expect(after.status).toBe("connected");
      expect(after.version).toBe(row.version);
      expect(after.payloadSealed).toBe(row.payloadSealed);
      expect(after.expiresAt?.getTime()).toBe(row.expiresAt?.getTime());
    });
  });

  it("keeps the provider's error code in the renewal log only when it is an OAuth error code", async () => {
    expect(loggableProviderError("invalid_grant")).toBe("invalid_grant");
    fakeMode = "crafted_code";
    const connection = await addConnection(database.db, people.ada, { service: "t_fake", linkName: "fake_crafted" });
    await addCredential(
      database.db,
      people.ada,
      connection.id,
      { type: "oauth2", accessToken: "old-access", refreshToken: FAKE_REFRESH, tokenType: "bearer" },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const events: RefreshEvent[] = [];
    const off = onRefresh((event) => events.push(event));
    try {
      await rejection(engine.invoke(database.db, people.ada, { connection: "fake_crafted", url: `${echo.url}/x` }));
    } finally {
      off();
    }
    expect(events).toHaveLength(1);
    expect(events[0].outcome).not.toBe("refreshed");
    expect(events[0].providerError).toBeNull();
  });

  it("client credentials: fetched on demand, reused until they expire, then fetched again", async () => {
    const connection = await addConnection(database.db, people.ada, { service: "t_idp_cc", linkName: "machine" });
    idp.resetCounters();
    const call = () => engine.invoke(database.db, people.ada, { connection: "machine", url: protectedUrl() });
    const first = await call();
    expect(first.kind === "upstream" && JSON.parse(first.body.toString())).toMatchObject({ client_id: CLIENT.clientId });
    const second = await call();
    expect(second.kind === "upstream" && second.status).toBe(200);
    expect(idp.counters.byGrant.client_credentials).toBe(1);

    const [row] = await database.db.select().from(credentials).where(eq(credentials.connectionId, connection.id));
    expect(row.status).toBe("connected");
    await database.db
      .update(credentials)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(credentials.id, row.id));
    invalidate({ kind: "connection", orgId: people.ada.orgId, connectionId: connection.id });
    const third = await call();
    expect(third.kind === "upstream" && third.status).toBe(200);
    expect(idp.counters.byGrant.client_credentials).toBe(2);
  });
});
