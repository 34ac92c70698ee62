/**
 * The connection lists with 10,000 connections in the database (docs/product.md §4: "Lists are
 * tables (sortable, filterable, paginated on the server) that stay fast at 10,000
 * connections"). Correctness only; timings are printed by `npm run bench:list`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/users";
import { listQuerySchema, type ListQuery } from "@/lib/validation/connections";
import { createAppContext, setupTestEnv, type AppContext } from "@/test/harness";
import { seedBulkConnections, type BulkConnection, type BulkSeed } from "@/test/harness/bulk-connections";
import { databaseKinds } from "@/test/harness";
import type { ConnectionStatus } from "./dto";
import { listConnections, type ListTab } from "./list-connections";

const COUNT = 10_000;

beforeAll(() => {
  setupTestEnv();
});

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const statusRank: Record<ConnectionStatus, string> = {
  connected: "connected",
  needs_reauth: "needs_reauth",
  not_connected: "not_connected",
};

/** The order listConnections promises: the column, then id, both in the same direction. */
function sorted(rows: BulkConnection[], sort: ListQuery["sort"], dir: ListQuery["dir"]): BulkConnection[] {
  const key = (c: BulkConnection): string =>
    sort === "name"
      ? c.name.toLowerCase()
      : sort === "linkName"
        ? c.linkName
        : sort === "status"
          ? statusRank[c.status]
          : c.createdAt.toISOString();
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => sign * (cmp(key(a), key(b)) || cmp(a.id, b.id)));
}

describe.each(databaseKinds)("connection lists at 10,000 connections (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  let seed: BulkSeed;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob } = ctx.actors);
    seed = await seedBulkConnections(ctx.db, {
      orgId: ada.orgId,
      ownerId: ada.id,
      otherId: bob.id,
      count: COUNT,
      otherCount: 5,
      otherAuthorizedCount: 20,
    });
  }, 180_000);

  afterAll(async () => {
    await ctx?.drop();
  });

  const list = (actor: Actor, tab: ListTab, query: Record<string, unknown> = {}) =>
    listConnections(ctx.db, actor, tab, listQuerySchema.parse(query));

  it("first page: 20 rows of 10,000, newest first, with service names and the owner's statuses", async () => {
    const page = await list(ada, "own");
    expect(page.total).toBe(COUNT);
    expect(page.page).toBe(1);
    expect(page.pageSize).toBe(20);
    expect(page.rows).toHaveLength(20);
    const expected = sorted(seed.owner, "createdAt", "desc").slice(0, 20);
    expect(page.rows.map((r) => r.id)).toEqual(expected.map((c) => c.id));
    const byId = new Map(seed.owner.map((c) => [c.id, c]));
    const serviceNames: Record<string, string> = {
      stripe: "Stripe",
      openai: "OpenAI",
      github: "GitHub",
      slack: "Slack",
      google_drive: "Google Drive",
      notion: "Notion",
      sendgrid: "SendGrid",
      twilio: "Twilio",
    };
    for (const row of page.rows) {
      const c = byId.get(row.id)!;
      expect(row).toMatchObject({
        name: c.name,
        linkName: c.linkName,
        status: c.status,
        serviceName: serviceNames[c.catalogLinkName],
        ownerName: ada.name,
        canEdit: true,
        canDelete: true,
        createdAt: c.createdAt.toISOString(),
      });
    }
  });

  it.each([
    ["name", "asc"],
    ["name", "desc"],
    ["linkName", "asc"],
    ["linkName", "desc"],
    ["status", "asc"],
    ["status", "desc"],
    ["createdAt", "asc"],
  ] as const)("sorts by %s %s (first two pages)", async (sort, dir) => {
    const expected = sorted(seed.owner, sort, dir);
    const first = await list(ada, "own", { sort, dir });
    const second = await list(ada, "own", { sort, dir, page: 2 });
    expect(first.total).toBe(COUNT);
    expect(first.rows.map((r) => r.id)).toEqual(expected.slice(0, 20).map((c) => c.id));
    expect(second.rows.map((r) => r.id)).toEqual(expected.slice(20, 40).map((c) => c.id));
  });

  it("a wider page (pageSize 100) in name order matches too", async () => {
    const page = await list(ada, "own", { sort: "name", dir: "asc", pageSize: 100, page: 3 });
    expect(page.rows.map((r) => r.id)).toEqual(
      sorted(seed.owner, "name", "asc")
        .slice(200, 300)
        .map((c) => c.id),
    );
  });

  it("page 500 is the last page; page 501 is empty", async () => {
    const expected = sorted(seed.owner, "createdAt", "desc");
    const last = await list(ada, "own", { page: 500 });
    expect(last.total).toBe(COUNT);
    expect(last.rows.map((r) => r.id)).toEqual(expected.slice(9_980).map((c) => c.id));
    const beyond = await list(ada, "own", { page: 501 });
    expect(beyond).toMatchObject({ total: COUNT, rows: [] });
  });

  /** What the filter should find: name, link name or service link name containing q, case-insensitively, literally. */
  const matching = (q: string) =>
    seed.owner.filter((c) => [c.name, c.linkName, c.catalogLinkName].some((v) => v.toLowerCase().includes(q.toLowerCase())));

  it.each(["gamma", "GaMmA", "sigma 000", "stripe", "lnk_0791", "50%off", "q_z", "%", "sale 50"])(
    "filter q=%j narrows to exactly the matching rows",
    async (q) => {
      const expected = matching(q);
      expect(expected.length, "the fixture must have matches").toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(COUNT);
      const page = await list(ada, "own", { q, sort: "name", dir: "asc" });
      expect(page.total).toBe(expected.length);
      expect(page.rows.map((r) => r.id)).toEqual(
        sorted(expected, "name", "asc")
          .slice(0, 20)
          .map((c) => c.id),
      );
    },
  );

  it("% and _ in the filter are literal, not wildcards", async () => {
    // "50%off" as a pattern would also match "50xoff"; "q_z" would also match "qxz".
    const percent = await list(ada, "own", { q: "50%off", pageSize: 100 });
    expect(percent.total).toBe(seed.owner.filter((c) => c.name.includes("50%off")).length);
    expect(percent.rows.every((r) => r.name.includes("50%off"))).toBe(true);
    const underscore = await list(ada, "own", { q: "q_z", pageSize: 100 });
    expect(underscore.total).toBe(seed.owner.filter((c) => c.name.includes("q_z")).length);
    expect(underscore.rows.every((r) => r.name.includes("q_z"))).toBe(true);
    expect(seed.owner.some((c) => c.name.includes("50xoff"))).toBe(true);
    expect(seed.owner.some((c) => c.name.includes("qxz"))).toBe(true);
    // A backslash is literal too, and matches nothing here.
    expect((await list(ada, "own", { q: "\\" })).total).toBe(0);
    expect((await list(ada, "own", { q: "no such connection" })).total).toBe(0);
  });

  it("filter, sort and paging combine", async () => {
    const expected = sorted(matching("gamma"), "linkName", "desc");
    const page = await list(ada, "own", { q: "gamma", sort: "linkName", dir: "desc", page: 3, pageSize: 25 });
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.id)).toEqual(expected.slice(50, 75).map((c) => c.id));
  });

  it("the other member's tabs: own, shared (authorized) and available (not yet)", async () => {
    const own = await list(bob, "own");
    expect(own.total).toBe(seed.other.length);
    expect(new Set(own.rows.map((r) => r.id))).toEqual(new Set(seed.other.map((c) => c.id)));

    const sharedWithBob = seed.owner.filter((c) => c.shared);
    const shared = await list(bob, "shared", { pageSize: 100 });
    expect(shared.total).toBe(seed.otherAuthorized.size);
    expect(new Set(shared.rows.map((r) => r.id))).toEqual(seed.otherAuthorized);
    expect(shared.rows.every((r) => r.status === "connected" && !r.canEdit && !r.canDelete)).toBe(true);

    const available = await list(bob, "available");
    expect(available.total).toBe(sharedWithBob.length - seed.otherAuthorized.size);
    expect(available.rows.every((r) => !seed.otherAuthorized.has(r.id) && r.status === "not_connected")).toBe(true);
    const expected = sorted(
      sharedWithBob.filter((c) => !seed.otherAuthorized.has(c.id)),
      "createdAt",
      "desc",
    ).slice(0, 20);
    expect(available.rows.map((r) => r.id)).toEqual(expected.map((c) => c.id));

    // The other organization sees none of it.
    for (const tab of ["own", "shared", "available"] as const) {
      expect((await list(ctx.actors.eve, tab)).total, tab).toBe(0);
    }
  });
});
