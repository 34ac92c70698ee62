/**
 * The health rules of lib/connections/health.ts (docs/product.md §10) on both databases,
 * read the ways users see them: the connections list (and its health filter) and the
 * summary page.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLog, credentials } from "@/db/schema";
import type { ConnectionHealth } from "@/lib/validation/connections";
import { listQuerySchema } from "@/lib/validation/connections";
import { addConnection, addCredential, createAppContext, databaseKinds, setupTestEnv, type AppContext } from "@/test/harness";
import { getConnectionSummary } from "./get-connection-summary";
import { listConnections } from "./list-connections";

const HOUR = 3_600_000;

beforeAll(() => {
  setupTestEnv();
});

describe.each(databaseKinds)("credential health (%s)", (kind) => {
  let ctx: AppContext;
  const expected: Record<string, ConnectionHealth> = {};
  let n = 0;

  /** A connection of ada's with an OAuth 2 credential shaped by `setup`, and calls (newest last). */
  async function scenario(
    want: ConnectionHealth,
    options: {
      credential?: boolean;
      renewable?: boolean;
      expiresInMs?: number;
      status?: "connected" | "needs_reauth" | "revoked";
      calls?: Array<{ status: number | null; errorCode?: string }>;
      name?: string;
    },
  ): Promise<string> {
    const { db, actors } = ctx;
    const linkName = options.name ?? `health_${n++}`;
    const connection = await addConnection(db, actors.ada, { service: "github", linkName });
    if (options.credential !== false) {
      const row = await addCredential(
        db,
        actors.ada,
        connection.id,
        {
          type: "oauth2",
          accessToken: "at",
          refreshToken: options.renewable === false ? undefined : "rt",
          tokenType: "bearer",
        },
        { expiresAt: options.expiresInMs === undefined ? null : new Date(Date.now() + options.expiresInMs) },
      );
      if (options.status && options.status !== "connected") {
        await db.update(credentials).set({ status: options.status }).where(eq(credentials.id, row.id));
      }
    }
    const start = Date.now() - 60_000;
    const calls = options.calls ?? [];
    if (calls.length) {
      await db.insert(callLog).values(
        calls.map((c, i) => ({
          orgId: actors.ada.orgId,
          connectionId: connection.id,
          callerId: actors.ada.id,
          credentialUserId: actors.ada.id,
          method: "GET",
          host: "api.github.com",
          path: "/",
          status: c.status,
          errorCode: c.errorCode ?? null,
          appMs: 1,
          createdAt: new Date(start + i * 1000),
        })),
      );
    }
    expected[linkName] = want;
    return connection.id;
  }

  const five5xx = Array.from({ length: 5 }, () => ({ status: 503 }));

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    await scenario("connected", { name: "healthy", calls: [{ status: 200 }, ...five5xx.slice(1)] });
    await scenario("not_connected", { credential: false });
    await scenario("not_connected", { status: "revoked" });
    await scenario("needs_reauth", { status: "needs_reauth" });
    await scenario("needs_reauth", { renewable: false, expiresInMs: -HOUR });
    await scenario("connected", { renewable: true, expiresInMs: -HOUR }); // renewed on its next call
    await scenario("expires_soon", { renewable: false, expiresInMs: 2 * HOUR });
    await scenario("connected", { renewable: false, expiresInMs: 72 * HOUR });
    await scenario("failing", {
      name: "failing",
      calls: [
        { status: 200 },
        { status: 500 },
        { status: 502 },
        { status: null, errorCode: "upstream_unreachable" },
        { status: null, errorCode: "upstream_timeout" },
        { status: 504 },
      ],
    });
    // A 4xx or our own refusal among the last five is not an outage.
    await scenario("connected", { calls: [...five5xx.slice(1), { status: 404 }] });
    await scenario("connected", { calls: [...five5xx.slice(1), { status: null, errorCode: "host_not_allowed" }] });
    await scenario("revoked", { calls: [{ status: 200 }, { status: 401 }, { status: 401 }, { status: 401 }] });
    await scenario("connected", { calls: [{ status: 401 }, { status: 401 }, { status: 200 }] });
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  it("applies each rule, as the list shows it", async () => {
    const list = await listConnections(ctx.db, ctx.actors.ada, "own", listQuerySchema.parse({ pageSize: 100 }));
    const seen = Object.fromEntries(list.rows.map((r) => [r.linkName, r.health]));
    expect(seen).toEqual(expected);
  });

  it("filters the list by health in the query, paging what is left", async () => {
    const failing = await listConnections(
      ctx.db,
      ctx.actors.ada,
      "own",
      listQuerySchema.parse({ health: "failing", pageSize: 100 }),
    );
    expect(failing.total).toBe(1);
    expect(failing.rows.map((r) => r.linkName)).toEqual(["failing"]);
    const reauth = await listConnections(ctx.db, ctx.actors.ada, "own", listQuerySchema.parse({ health: "needs_reauth" }));
    expect(reauth.total).toBe(2);
  });

  it("sorts the Status column by the health it shows, both ways", async () => {
    // The labels' alphabetical order: Connected, Expires soon, Failing, Needs re-authentication, Not connected, Revoked.
    const order: ConnectionHealth[] = ["connected", "expires_soon", "failing", "needs_reauth", "not_connected", "revoked"];
    for (const dir of ["asc", "desc"] as const) {
      const list = await listConnections(
        ctx.db,
        ctx.actors.ada,
        "own",
        listQuerySchema.parse({ pageSize: 100, sort: "status", dir }),
      );
      const ranks = list.rows.map((r) => order.indexOf(r.health));
      const sorted = [...ranks].sort((a, b) => (dir === "asc" ? a - b : b - a));
      expect(ranks).toEqual(sorted);
      expect(new Set(ranks).size).toBe(order.length);
    }
  });

  it("shows the same health on the summary page", async () => {
    const [failing] = (await listConnections(ctx.db, ctx.actors.ada, "own", listQuerySchema.parse({ health: "failing" }))).rows;
    expect((await getConnectionSummary(ctx.db, ctx.actors.ada, failing.id)).health).toBe("failing");
  });
});
