/**
 * Refresh under contention, on real Postgres (skipped without DATABASE_URL): two app
 * "instances" (two engines, each with its own single-flight state, on two separate database
 * handles of one database), 200 concurrent calls with an expired token, oidc-provider with
 * refresh-token rotation: exactly one token request, every call succeeds, and the grant is
 * not revoked (reusing a rotated refresh token would revoke it).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { credentials } from "@/db/schema";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startIdp, type Idp } from "@/test/peers/idp";
import type { Actor } from "@/lib/auth/users";
import { openCredential } from "@/lib/credentials/credentials";
import { createTestDatabase, type TestDatabase } from "@/test/harness";
import { createInvokeEngine, type InvokeEngine, type InvokeResult } from "./invoke";
import {
  addConnection,
  addCredential,
  setupTestEnv,
  idpTokens,
  oauth2Entry,
  seedPeople,
  setOrgClient,
  TEST_REDIRECT_URI,
  type DemoPeople,
} from "@/test/harness";

const CLIENT = { clientId: "contention-app", clientSecret: "contention-app-secret-91f0" };
const CALLS = 200;

describe.runIf(Boolean(process.env.DATABASE_URL))("refresh under contention on Postgres, two instances", () => {
  let idp: Idp;
  let echo: EchoApi;
  let database: TestDatabase;
  let second: DatabaseHandle;
  let people: DemoPeople;
  let instances: Array<{ engine: InvokeEngine; db: DatabaseHandle["db"] }>;

  beforeAll(async () => {
    // Access tokens live long enough (> 60 s margin) that a refreshed one is not due again at once.
    idp = await startIdp({
      clients: [
        {
          client_id: CLIENT.clientId,
          client_secret: CLIENT.clientSecret,
          redirect_uris: [TEST_REDIRECT_URI],
          grant_types: ["authorization_code", "refresh_token"],
        },
      ],
      scopes: ["read"],
      accessTokenTtl: 120,
      rotateRefreshToken: true,
    });
    echo = await startEchoApi({ introspect: { url: idp.endpoints.introspection, ...CLIENT } });
    setupTestEnv({
      extraEntries: [
        oauth2Entry({
          linkName: "t_busy",
          baseUrl: echo.url,
          tokenUrl: idp.endpoints.token,
          authorizeUrl: idp.endpoints.authorization,
          scopes: ["read"],
        }),
      ],
    });
    database = await createTestDatabase("postgres");
    second = await openDatabase(database.target);
    people = await seedPeople(database.db);
    await setOrgClient(database.db, people.ada.orgId, "t_busy", CLIENT.clientId, CLIENT.clientSecret);
    instances = [
      { engine: createInvokeEngine(), db: database.db },
      { engine: createInvokeEngine(), db: second.db },
    ];
  });

  afterAll(async () => {
    await second?.close();
    await database?.drop();
    await echo?.close();
    await idp?.close();
  });

  /** A connection of ada's with real IdP tokens, stored with another (dead) access token. */
  async function connection(linkName: string, stale: string, expiresAt: Date) {
    // "Everyone in my organization": ada and bob both call it, with ada's credential.
    const c = await addConnection(database.db, people.ada, {
      service: "t_busy",
      linkName,
      scopes: ["read"],
      access: "organization",
    });
    const tokens = await idpTokens(idp, CLIENT, ["read"]);
    const row = await addCredential(
      database.db,
      people.ada,
      c.id,
      { type: "oauth2", accessToken: stale, refreshToken: tokens.refreshToken, tokenType: "bearer" },
      { expiresAt, grantedScopes: ["read"] },
    );
    return { row, tokens };
  }

  async function fire(linkName: string): Promise<InvokeResult[]> {
    const actors: Actor[] = [people.ada, people.bob];
    return Promise.all(
      Array.from({ length: CALLS }, (_, i) => {
        const { engine, db } = instances[i % 2];
        return engine.invoke(db, actors[Math.floor(i / 2) % 2], { connection: linkName, url: `${echo.url}/oauth/protected` });
      }),
    );
  }

  const statuses = (results: InvokeResult[]) => results.map((r) => (r.kind === "upstream" ? r.status : r.detailed.responseCode));
  const bearerCount = (token: string) => echo.requests.filter((r) => r.headers.authorization === `Bearer ${token}`).length;

  it(`${CALLS} concurrent calls with an expired token: one refresh, all succeed, the grant survives`, async () => {
    const stale = "expired-access-token-1";
    const { row } = await connection("busy", stale, new Date(Date.now() - 5_000));
    idp.resetCounters();
    const results = await fire("busy");
    expect(statuses(results)).toEqual(Array(CALLS).fill(200));
    expect(idp.counters.token).toBe(1);
    expect(idp.counters.byGrant).toEqual({ refresh_token: 1 });
    expect(bearerCount(stale)).toBe(0); // nobody used the expired token

    const [stored] = await database.db.select().from(credentials).where(eq(credentials.id, row.id));
    expect(stored.version).toBe(row.version + 1);
    const payload = openCredential(stored);
    if (payload?.type !== "oauth2") throw new Error("expected an OAuth 2 credential");
    expect(bearerCount(payload.accessToken)).toBe(CALLS);

    // The grant was not revoked: a later call works, and so does the next refresh with the stored (rotated) token.
    // Fresh engines: nothing of the burst's in-process state carries over.
    const later = await createInvokeEngine().invoke(second.db, people.ada, {
      connection: "busy",
      url: `${echo.url}/oauth/protected`,
    });
    expect(statuses([later])).toEqual([200]);
    await database.db
      .update(credentials)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(credentials.id, row.id));
    const refreshedAgain = await createInvokeEngine().invoke(database.db, people.ada, {
      connection: "busy",
      url: `${echo.url}/oauth/protected`,
    });
    expect(statuses([refreshedAgain])).toEqual([200]);
    expect(idp.counters.byGrant).toEqual({ refresh_token: 2 });
  });

  it(`${CALLS} concurrent 401s for a token the provider no longer accepts: one refresh, all retried successfully`, async () => {
    const stale = "revoked-looking-access-token-2";
    await connection("busy_401", stale, new Date(Date.now() + 3600_000));
    idp.resetCounters();
    const results = await fire("busy_401");
    expect(statuses(results)).toEqual(Array(CALLS).fill(200));
    expect(idp.counters.byGrant).toEqual({ refresh_token: 1 });
  });
});
