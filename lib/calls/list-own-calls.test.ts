/**
 * "My calls" (docs/product.md §10), on both databases: a caller sees their own calls of
 * every connection of their organization they may call, and nobody else's, not even on a
 * connection they own; the summary link shows only where they may open the summary page.
 * Also the status filter and paging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLog, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { callLogQuerySchema } from "@/lib/validation/call-log";
import { addConnection, callLogRow, createAppContext, databaseKinds, setupTestEnv, type AppContext } from "@/test/harness";
import { listOwnCalls } from "./list-own-calls";

const query = (over: Record<string, unknown> = {}) => callLogQuerySchema.parse(over);
const paths = (page: { rows: Array<{ url: string }> }) => page.rows.map((r) => r.url.replace("api.github.com", ""));

beforeAll(() => {
  setupTestEnv();
});

describe.each(databaseKinds)("own calls (%s)", (kind) => {
  let ctx: AppContext;
  const ids: Record<string, string> = {};
  const now = new Date("2026-06-01T12:30:00Z");

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    const { db, actors } = ctx;
    const { ada, bob, eve } = actors;
    const [carol] = await db
      .insert(users)
      .values({ orgId: ada.orgId, email: "carol@acme.test", name: "Carol Cooper", passwordHash: "none" })
      .returning();
    const connection = async (owner: Actor, linkName: string, sharing: { shared?: boolean; access?: "organization" } = {}) => {
      ids[linkName] = (await addConnection(db, owner, { service: "github", linkName, ...sharing })).id;
    };
    await connection(ada, "ada_team", { access: "organization" });
    await connection(ada, "ada_shared", { shared: true });
    await connection(ada, "ada_private");
    await connection(bob, "bob_team", { access: "organization" });
    await connection(bob, "bob_own");
    await connection(eve, "eve_own");
    const call = (
      linkName: string,
      caller: { id: string; orgId: string },
      status: number | null,
      minutesAgo: number,
      path: string,
    ) =>
      callLogRow({
        orgId: caller.orgId,
        connectionId: ids[linkName],
        callerId: caller.id,
        credentialUserId: caller.id,
        status,
        at: new Date(now.getTime() - minutesAgo * 60_000),
        path,
      });
    await db.insert(callLog).values([
      call("ada_team", ada, 200, 1, "/ada-team"),
      call("ada_team", bob, 404, 2, "/bob-team-404"),
      call("ada_team", bob, null, 3, "/bob-team-unreachable"),
      call("ada_team", carol, 200, 4, "/carol-team"),
      call("bob_team", bob, 200, 5, "/bob-on-own-team"),
      call("ada_shared", bob, 200, 6, "/bob-shared"),
      call("ada_shared", ada, 200, 7, "/ada-shared"),
      // Made while Ada's connection was open to everyone; it is "Only me" now.
      call("ada_private", bob, 200, 8, "/bob-private-before"),
      call("bob_team", ada, 200, 9, "/ada-on-bob-team"),
      ...Array.from({ length: 21 }, (_, i) => call("bob_own", bob, 200, 20 + i, `/bob-own-${i}`)),
      call("eve_own", eve, 200, 1, "/eve"),
      // A row of the other organization that names Bob as its caller: still not his organization's.
      call("eve_own", { id: bob.id, orgId: eve.orgId }, 200, 0, "/globex-row-naming-bob"),
    ]);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  it("shows a member his own calls of a colleague's team connection, not the owner's nor another member's", async () => {
    const { db, actors } = ctx;
    const bob = await listOwnCalls(db, actors.bob, query());
    expect(bob.total).toBe(25);
    expect(paths(bob).slice(0, 5)).toEqual([
      "/bob-team-404",
      "/bob-team-unreachable",
      "/bob-on-own-team",
      "/bob-shared",
      "/bob-own-0",
    ]);
    const all = paths(await listOwnCalls(db, actors.bob, query({ pageSize: 100 })));
    expect(all).toHaveLength(25);
    expect(all.filter((p) => !p.startsWith("/bob-"))).toEqual([]);
    // Nor a call of a connection that is no longer open to him.
    expect(all).not.toContain("/bob-private-before");
    // Nor Ada's call of his own team connection: that one is on its summary page.
    expect(all).not.toContain("/ada-on-bob-team");
    expect(bob.rows[0]).toMatchObject({
      linkName: "ada_team",
      method: "GET",
      status: 404,
      errorCode: null,
      appMs: 2,
      upstreamMs: 40,
    });
    expect(bob.rows[1]).toMatchObject({ status: null, errorCode: "upstream_unreachable", upstreamMs: null });
  });

  it("shows the owner her own calls, across her connections and her colleagues'", async () => {
    const { db, actors } = ctx;
    const ada = await listOwnCalls(db, actors.ada, query());
    expect(paths(ada)).toEqual(["/ada-team", "/ada-shared", "/ada-on-bob-team"]);
  });

  it("never shows another organization's calls", async () => {
    const { db, actors } = ctx;
    const eve = await listOwnCalls(db, actors.eve, query());
    expect(paths(eve)).toEqual(["/eve"]);
    expect(paths(await listOwnCalls(db, actors.bob, query({ pageSize: 100 })))).not.toContain("/globex-row-naming-bob");
  });

  it("links to the summary page only where the caller may open it: own or shared connections", async () => {
    const { db, actors } = ctx;
    const bob = await listOwnCalls(db, actors.bob, query({ pageSize: 5 }));
    expect(bob.rows.map((r) => [r.linkName, r.connectionId])).toEqual([
      ["ada_team", null],
      ["ada_team", null],
      ["bob_team", ids.bob_team],
      ["ada_shared", ids.ada_shared],
      ["bob_own", ids.bob_own],
    ]);
    const ada = await listOwnCalls(db, actors.ada, query());
    expect(ada.rows.map((r) => [r.linkName, r.connectionId])).toEqual([
      ["ada_team", ids.ada_team],
      ["ada_shared", ids.ada_shared],
      ["bob_team", null],
    ]);
  });

  it("filters by outcome: below 400 succeeded; error statuses and no answer failed", async () => {
    const { db, actors } = ctx;
    const failed = await listOwnCalls(db, actors.bob, query({ outcome: "failed" }));
    expect(failed.total).toBe(2);
    expect(paths(failed)).toEqual(["/bob-team-404", "/bob-team-unreachable"]);
    const succeeded = await listOwnCalls(db, actors.bob, query({ outcome: "succeeded" }));
    expect(succeeded.total).toBe(23);
    expect(succeeded.rows.every((r) => r.status !== null && r.status < 400)).toBe(true);
  });

  it("pages on the server", async () => {
    const { db, actors } = ctx;
    const first = await listOwnCalls(db, actors.bob, query({ pageSize: 10 }));
    const third = await listOwnCalls(db, actors.bob, query({ pageSize: 10, page: 3 }));
    expect(first).toMatchObject({ total: 25, page: 1, pageSize: 10 });
    expect(first.rows).toHaveLength(10);
    expect(paths(third)).toEqual([16, 17, 18, 19, 20].map((i) => `/bob-own-${i}`));
    expect((await listOwnCalls(db, actors.bob, query({ pageSize: 10, page: 4 }))).rows).toEqual([]);
  });
});
