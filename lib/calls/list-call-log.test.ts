/**
 * Who reads which part of a connection's call log (docs/product.md §10, §5), on both
 * databases, as an attacker inside the organization would try it: by the connection's id.
 * Also the status filter, paging, the hourly series and the token refreshes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLog, tokenRefreshes } from "@/db/schema";
import { callLogQuerySchema } from "@/lib/validation/call-log";
import {
  addConnection,
  callLogRow,
  createAppContext,
  databaseKinds,
  rejection,
  setupTestEnv,
  type AppContext,
} from "@/test/harness";
import { callSeries, listCallLog, listTokenRefreshes } from "./list-call-log";

const query = (over: Record<string, unknown> = {}) => callLogQuerySchema.parse(over);

beforeAll(() => {
  setupTestEnv();
});

describe.each(databaseKinds)("call log reads (%s)", (kind) => {
  let ctx: AppContext;
  let privateId: string;
  let teamId: string;
  let sharedId: string;
  const now = new Date("2026-06-01T12:30:00Z");

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    const { db, actors } = ctx;
    const { ada, bob } = actors;
    const privateConnection = await addConnection(db, ada, { service: "github", linkName: "ada_private" });
    const team = await addConnection(db, ada, { service: "github", linkName: "ada_team", access: "organization" });
    const shared = await addConnection(db, ada, { service: "github", linkName: "ada_shared", shared: true });
    privateId = privateConnection.id;
    teamId = team.id;
    sharedId = shared.id;
    const call = (connectionId: string, caller: typeof ada, status: number | null, minutesAgo: number, path = "/x") =>
      callLogRow({
        orgId: ada.orgId,
        connectionId,
        callerId: caller.id,
        credentialUserId: ada.id,
        status,
        at: new Date(now.getTime() - minutesAgo * 60_000),
        path,
      });
    await db
      .insert(callLog)
      .values([
        call(privateId, ada, 200, 5, "/private/secret-repo"),
        call(teamId, ada, 200, 1, "/ada-call"),
        call(teamId, ada, 500, 70, "/ada-failed"),
        call(teamId, bob, 404, 2, "/bob-call"),
        call(teamId, bob, null, 3, "/bob-unreachable"),
        ...Array.from({ length: 25 }, (_, i) => call(sharedId, ada, 200, 10 + i, `/page-${i}`)),
      ]);
    await db.insert(tokenRefreshes).values([
      { orgId: ada.orgId, connectionId: sharedId, userId: ada.id, outcome: "refreshed", createdAt: now },
      {
        orgId: ada.orgId,
        connectionId: sharedId,
        userId: bob.id,
        outcome: "needs_reauth",
        providerError: "invalid_grant",
        createdAt: now,
      },
    ]);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  it("lets no one else in the organization read a private connection's log by its id", async () => {
    const { db, actors } = ctx;
    expect((await rejection(listCallLog(db, actors.bob, privateId, query()))).code).toBe("not_found");
    expect((await rejection(listTokenRefreshes(db, actors.bob, privateId))).code).toBe("not_found");
    expect((await rejection(callSeries(db, actors.bob, privateId, { now }))).code).toBe("not_found");
    // Nor anyone of another organization, whatever the connection's sharing.
    expect((await rejection(listCallLog(db, actors.eve, teamId, query()))).code).toBe("not_found");
    expect((await rejection(listCallLog(db, actors.eve, sharedId, query()))).code).toBe("not_found");
    expect((await rejection(listCallLog(db, actors.bob, "not-a-uuid", query()))).code).toBe("not_found");
  });

  it("shows the owner every call, and another caller of a team connection only their own", async () => {
    const { db, actors } = ctx;
    const owner = await listCallLog(db, actors.ada, teamId, query());
    expect(owner.onlyOwnCalls).toBe(false);
    expect(owner.rows.map((r) => r.url)).toEqual([
      "api.github.com/ada-call",
      "api.github.com/bob-call",
      "api.github.com/bob-unreachable",
      "api.github.com/ada-failed",
    ]);
    expect(owner.rows[1].callerName).toBe("Bob Builder");

    const bob = await listCallLog(db, actors.bob, teamId, query());
    expect(bob.onlyOwnCalls).toBe(true);
    expect(bob.total).toBe(2);
    expect(bob.rows.map((r) => r.url)).toEqual(["api.github.com/bob-call", "api.github.com/bob-unreachable"]);
    const bobSeries = await callSeries(db, actors.bob, teamId, { now });
    expect(bobSeries.reduce((n, p) => n + p.succeeded + p.failed, 0)).toBe(2);
  });

  it("filters by outcome: below 400 succeeded; error statuses and no answer failed", async () => {
    const { db, actors } = ctx;
    const ok = await listCallLog(db, actors.ada, teamId, query({ outcome: "succeeded" }));
    expect(ok.rows.map((r) => r.url)).toEqual(["api.github.com/ada-call"]);
    const failed = await listCallLog(db, actors.ada, teamId, query({ outcome: "failed" }));
    expect(failed.total).toBe(3);
    expect(failed.rows.map((r) => [r.status, r.errorCode])).toEqual([
      [404, null],
      [null, "upstream_unreachable"],
      [500, null],
    ]);
  });

  it("pages on the server", async () => {
    const { db, actors } = ctx;
    const first = await listCallLog(db, actors.ada, sharedId, query({ pageSize: 10 }));
    const third = await listCallLog(db, actors.ada, sharedId, query({ pageSize: 10, page: 3 }));
    expect(first.total).toBe(25);
    expect(first.rows.map((r) => r.url)[0]).toBe("api.github.com/page-0");
    expect(third.rows.map((r) => r.url)).toEqual([20, 21, 22, 23, 24].map((i) => `api.github.com/page-${i}`));
  });

  it("counts calls per hour by outcome over the last day", async () => {
    const { db, actors } = ctx;
    const series = await callSeries(db, actors.ada, teamId, { now });
    expect(series).toHaveLength(24);
    expect(series.at(-1)).toEqual({ hour: "2026-06-01T12:00:00.000Z", succeeded: 1, failed: 2 });
    expect(series.at(-2)).toEqual({ hour: "2026-06-01T11:00:00.000Z", succeeded: 0, failed: 1 });
  });

  it("shows the owner every renewal and a member only their own credential's", async () => {
    const { db, actors } = ctx;
    expect((await listTokenRefreshes(db, actors.ada, sharedId)).map((r) => r.outcome).sort()).toEqual([
      "needs_reauth",
      "refreshed",
    ]);
    expect(await listTokenRefreshes(db, actors.bob, sharedId)).toMatchObject([
      { outcome: "needs_reauth", providerError: "invalid_grant" },
    ]);
  });
});
