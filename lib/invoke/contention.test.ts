/**
 * Refresh under contention, on real Postgres (skipped without DATABASE_URL): two app
 * "instances" (two engines, each with its own single-flight state, on two separate database
 * handles of one database), 200 concurrent calls with an expired token, oidc-provider with
 * refresh-token rotation: exactly one token request, every call succeeds, and the grant is
 * not revoked (reusing a rotated refresh token would revoke it).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials } from "@/db/schema";
import { openCredential } from "@/lib/credentials/credentials";
import { resultStatuses as statuses, startRefreshInstances, type RefreshInstances } from "@/test/harness/refresh-instances";
import { createInvokeEngine } from "./invoke";

const CLIENT = { clientId: "contention-app", clientSecret: "contention-app-secret-91f0" };
const CALLS = 200;

describe.runIf(Boolean(process.env.DATABASE_URL))("refresh under contention on Postgres, two instances", () => {
  let t: RefreshInstances;

  // Access tokens live long enough (> 60 s margin) that a refreshed one is not due again at once.
  beforeAll(async () => {
    t = await startRefreshInstances({ service: "t_busy", client: CLIENT, accessTokenTtl: 120 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const bearerCount = (token: string) => t.echo.requests.filter((r) => r.headers.authorization === `Bearer ${token}`).length;

  it(`${CALLS} concurrent calls with an expired token: one refresh, all succeed, the grant survives`, async () => {
    const stale = "expired-access-token-1";
    const { row } = await t.connection("busy", stale, new Date(Date.now() - 5_000));
    t.idp.resetCounters();
    const results = await t.fire("busy", CALLS);
    expect(statuses(results)).toEqual(Array(CALLS).fill(200));
    expect(t.idp.counters.token).toBe(1);
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 1 });
    expect(bearerCount(stale)).toBe(0); // nobody used the expired token

    const [stored] = await t.database.db.select().from(credentials).where(eq(credentials.id, row.id));
    expect(stored.version).toBe(row.version + 1);
    const payload = openCredential(stored);
    if (payload?.type !== "oauth2") throw new Error("expected an OAuth 2 credential");
    expect(bearerCount(payload.accessToken)).toBe(CALLS);

    // The grant was not revoked: a later call works, and so does the next refresh with the stored (rotated) token.
    // Fresh engines: nothing of the burst's in-process state carries over.
    const later = await createInvokeEngine().invoke(t.second.db, t.people.ada, {
      connection: "busy",
      url: `${t.echo.url}/oauth/protected`,
    });
    expect(statuses([later])).toEqual([200]);
    await t.database.db
      .update(credentials)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(credentials.id, row.id));
    const refreshedAgain = await createInvokeEngine().invoke(t.database.db, t.people.ada, {
      connection: "busy",
      url: `${t.echo.url}/oauth/protected`,
    });
    expect(statuses([refreshedAgain])).toEqual([200]);
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 2 });
  });

  it(`${CALLS} concurrent 401s for a token the provider no longer accepts: one refresh, all retried successfully`, async () => {
    const stale = "revoked-looking-access-token-2";
    await t.connection("busy_401", stale, new Date(Date.now() + 3600_000));
    t.idp.resetCounters();
    const results = await t.fire("busy_401", CALLS);
    expect(statuses(results)).toEqual(Array(CALLS).fill(200));
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 1 });
  });
});
