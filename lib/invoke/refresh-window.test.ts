/**
 * The refresh window for short-lived tokens (docs/architecture.md "Refresh"), on real
 * Postgres with two app instances (two engines on two database handles; skipped without
 * DATABASE_URL): a token is due within min(max(60 s, 10 % of its life), half its life) of
 * expiry. With 30 s tokens that is the last 15 s, so a burst after expiry renews once and the
 * new token serves every call until half its life has passed — then is renewed once more.
 *
 * (Under the old rule, max(60 s, 10 %), a 30 s token was due the moment it arrived, and every
 * call after a refresh refreshed again.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startIdp, type Idp } from "@/test/peers/idp";
import type { Actor } from "@/lib/auth/users";
import { createInvokeEngine, type InvokeEngine, type InvokeResult } from "./invoke";
import {
  addConnection,
  addCredential,
  createTestDatabase,
  idpTokens,
  oauth2Entry,
  seedPeople,
  setOrgClient,
  setupTestEnv,
  TEST_REDIRECT_URI,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";

const CLIENT = { clientId: "window-app", clientSecret: "window-app-secret-2c71" };
const TOKEN_LIFE_S = 30;

describe.runIf(Boolean(process.env.DATABASE_URL))("30 s tokens on two instances (Postgres)", () => {
  let idp: Idp;
  let echo: EchoApi;
  let database: TestDatabase;
  let second: DatabaseHandle;
  let people: DemoPeople;
  let instances: Array<{ engine: InvokeEngine; db: DatabaseHandle["db"] }>;

  beforeAll(async () => {
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
      accessTokenTtl: TOKEN_LIFE_S,
      rotateRefreshToken: true,
    });
    echo = await startEchoApi({ introspect: { url: idp.endpoints.introspection, ...CLIENT } });
    setupTestEnv({
      extraEntries: [
        oauth2Entry({
          linkName: "t_short",
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
    await setOrgClient(database.db, people.ada.orgId, "t_short", CLIENT.clientId, CLIENT.clientSecret);
    instances = [
      { engine: createInvokeEngine(), db: database.db },
      { engine: createInvokeEngine(), db: second.db },
    ];
  });

  afterAll(async () => {
    await Promise.all(instances?.map(({ engine }) => engine.close()) ?? []);
    await second?.close();
    await database?.drop();
    await echo?.close();
    await idp?.close();
  });

  const statuses = (results: InvokeResult[]) => results.map((r) => (r.kind === "upstream" ? r.status : r.detailed.responseCode));

  function fire(count: number): Promise<InvokeResult[]> {
    const actors: Actor[] = [people.ada, people.bob];
    return Promise.all(
      Array.from({ length: count }, (_, i) => {
        const { engine, db } = instances[i % 2];
        return engine.invoke(db, actors[Math.floor(i / 2) % 2], { connection: "short", url: `${echo.url}/oauth/protected` });
      }),
    );
  }

  /** Calls in small bursts on both instances until `untilMs` after `from`; every call must succeed. */
  async function keepCalling(from: number, untilMs: number): Promise<number> {
    let calls = 0;
    while (performance.now() - from < untilMs) {
      const results = await fire(10);
      expect(statuses(results)).toEqual(Array(10).fill(200));
      calls += results.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return calls;
  }

  it("200 concurrent calls after expiry: one token request; one more only once half the new token's life has passed", async () => {
    const c = await addConnection(database.db, people.ada, {
      service: "t_short",
      linkName: "short",
      scopes: ["read"],
      access: "organization",
    });
    const tokens = await idpTokens(idp, CLIENT, ["read"]);
    await addCredential(
      database.db,
      people.ada,
      c.id,
      { type: "oauth2", accessToken: "expired-short-token", refreshToken: tokens.refreshToken, tokenType: "bearer" },
      { expiresAt: new Date(Date.now() - 1_000), grantedScopes: ["read"] },
    );
    idp.resetCounters();

    // The new token is issued after this instant, so "n s after it" is at most n s into the token's life.
    const started = performance.now();
    const burst = await fire(200);
    expect(statuses(burst)).toEqual(Array(200).fill(200));
    expect(idp.counters.byGrant).toEqual({ refresh_token: 1 });

    // Up to 13 s into a 30 s token's life (the last burst may end a little later) it is not due:
    // still the one token request.
    const early = await keepCalling(started, 13_000);
    expect(early).toBeGreaterThan(100);
    expect(idp.counters.byGrant).toEqual({ refresh_token: 1 });

    // Past half its life (15 s) it is due: renewed once, by one of the two instances, and the
    // renewed token is not due again at once.
    await keepCalling(started, 20_000);
    expect(idp.counters.byGrant).toEqual({ refresh_token: 2 });
  }, 60_000);
});
