import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "@/test/harness";
import { executedRows as rows, migrateDatabase } from "./client";
import { connections, organizations, users } from "./schema";
import { seedDemo } from "./seed";

describe.each(databaseKinds)("database on %s", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it("applies every migration to an empty database, and again as a no-op", async () => {
    database = await createTestDatabase(kind, { migrate: false });
    await migrateDatabase(database.target, database);
    await migrateDatabase(database.target, database);
    const tables = rows<{ table_name: string }>(
      await database.db.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      ),
    ).map((r) => r.table_name);
    expect(tables).toEqual([
      "access_tokens",
      "account_tokens",
      "audit_events",
      "call_log",
      "connections",
      "credential_leases",
      "credentials",
      "oauth_transactions",
      "organizations",
      "service_apps",
      "services",
      "sign_in_throttle",
      "token_refreshes",
      "users",
      "webhook_deliveries",
      "webhooks",
    ]);
  });

  it("seeds the demo once, however often and however concurrently it runs", async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    const results = await Promise.all([seedDemo(db), seedDemo(db)]);
    expect(results.filter((r) => r.seeded)).toHaveLength(1);
    expect(await seedDemo(db)).toEqual({ seeded: false });
    const orgs = await db.select({ name: organizations.name }).from(organizations).orderBy(organizations.name);
    expect(orgs.map((o) => o.name)).toEqual(["Acme", "Globex"]);
    const people = await db.select({ email: users.email, role: users.role }).from(users).orderBy(users.email);
    expect(people).toEqual([
      { email: "ada@acme.test", role: "admin" },
      { email: "bob@acme.test", role: "member" },
      { email: "eve@globex.test", role: "admin" },
    ]);
  });

  it("enforces unique connection link names within an organization, not across", async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    await seedDemo(db);
    const all = await db.select().from(users);
    const ada = all.find((u) => u.email === "ada@acme.test")!;
    const bob = all.find((u) => u.email === "bob@acme.test")!;
    const eve = all.find((u) => u.email === "eve@globex.test")!;
    const row = (ownerId: string, orgId: string) => ({
      orgId,
      ownerId,
      catalogLinkName: "github",
      name: "GitHub",
      linkName: "my_github",
    });
    await db.insert(connections).values(row(ada.id, ada.orgId));
    await expect(db.insert(connections).values(row(bob.id, bob.orgId))).rejects.toThrow();
    await db.insert(connections).values(row(eve.id, eve.orgId));
    const count = await db.select({ n: sql<number>`count(*)::int` }).from(connections);
    expect(count[0].n).toBe(2);
  });

  it("refuses a connection that names no service, or two", async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    await seedDemo(db);
    const [ada] = await db.select().from(users).limit(1);
    await expect(
      db.insert(connections).values({ orgId: ada.orgId, ownerId: ada.id, name: "x", linkName: "x" }),
    ).rejects.toThrow();
  });
});
