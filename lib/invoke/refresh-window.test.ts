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
import { resultStatuses as statuses, startRefreshInstances, type RefreshInstances } from "@/test/harness/refresh-instances";

const CLIENT = { clientId: "window-app", clientSecret: "window-app-secret-2c71" };
const TOKEN_LIFE_S = 30;

describe.runIf(Boolean(process.env.DATABASE_URL))("30 s tokens on two instances (Postgres)", () => {
  let t: RefreshInstances;

  beforeAll(async () => {
    t = await startRefreshInstances({ service: "t_short", client: CLIENT, accessTokenTtl: TOKEN_LIFE_S });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Calls in small bursts on both instances until `untilMs` after `from`; every call must succeed. */
  async function keepCalling(from: number, untilMs: number): Promise<number> {
    let calls = 0;
    while (performance.now() - from < untilMs) {
      const results = await t.fire("short", 10);
      expect(statuses(results)).toEqual(Array(10).fill(200));
      calls += results.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return calls;
  }

  it("200 concurrent calls after expiry: one token request; one more only once half the new token's life has passed", async () => {
    await t.connection("short", "expired-short-token", new Date(Date.now() - 1_000));
    t.idp.resetCounters();

    // The new token is issued after this instant, so "n s after it" is at most n s into the token's life.
    const started = performance.now();
    const burst = await t.fire("short", 200);
    expect(statuses(burst)).toEqual(Array(200).fill(200));
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 1 });

    // Up to 13 s into a 30 s token's life (the last burst may end a little later) it is not due:
    // still the one token request.
    const early = await keepCalling(started, 13_000);
    expect(early).toBeGreaterThan(100);
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 1 });

    // Past half its life (15 s) it is due: renewed once, by one of the two instances, and the
    // renewed token is not due again at once.
    await keepCalling(started, 20_000);
    expect(t.idp.counters.byGrant).toEqual({ refresh_token: 2 });
  }, 60_000);
});
