import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { connections, credentials, users, webhooks } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { generateKey, isLegacySealed, openSecretText, parseKeyRing, sealedKid, sealSecret } from "@/lib/crypto";
import { createTestDatabase, databaseKinds, sealLegacyV1, type TestDatabase } from "@/test/harness";
import { secretContext } from "./contexts";
import { rotateStoredSecrets } from "./rotate-stored";

const oldKey = generateKey();
const newKey = generateKey();
const oldRing = parseKeyRing(JSON.stringify({ old: oldKey }), "old");
const bothRing = parseKeyRing(JSON.stringify({ old: oldKey, new: newKey }), "new");
const newOnlyRing = parseKeyRing(JSON.stringify({ new: newKey }), "new");

describe.each(databaseKinds)("key rotation on %s", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it("re-wraps every stored credential, resumes after an interruption, and keeps all readable", async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    await seedDemo(db);
    const people = await db.select().from(users);
    const ada = people.find((u) => u.email === "ada@acme.test")!;
    const bob = people.find((u) => u.email === "bob@acme.test")!;
    const [connection] = await db
      .insert(connections)
      .values({ orgId: ada.orgId, ownerId: ada.id, catalogLinkName: "github", name: "GitHub", linkName: "gh" })
      .returning();
    const [other] = await db
      .insert(connections)
      .values({ orgId: ada.orgId, ownerId: ada.id, catalogLinkName: "github", name: "GitHub 2", linkName: "gh2" })
      .returning();
    const plain = new Map<string, string>();
    for (const [conn, user] of [
      [connection, ada],
      [connection, bob],
      [other, ada],
    ] as const) {
      const [row] = await db.insert(credentials).values({ orgId: ada.orgId, connectionId: conn.id, userId: user.id }).returning();
      const secret = JSON.stringify({ accessToken: `token-of-${user.email}-${conn.linkName}` });
      plain.set(row.id, secret);
      const sealed = sealSecret(
        secret,
        secretContext.credential({ id: row.id, userId: user.id, orgId: ada.orgId, connectionId: conn.id }),
        oldRing,
      );
      await db.update(credentials).set({ payloadSealed: sealed }).where(eq(credentials.id, row.id));
    }

    // The first run dies after one row, as a killed process would.
    await expect(
      rotateStoredSecrets(db, bothRing, {
        batchSize: 1,
        onProgress: () => {
          throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    const midway = await db.select().from(credentials);
    expect(midway.filter((c) => sealedKid(c.payloadSealed!) === "new")).toHaveLength(1);

    const report = await rotateStoredSecrets(db, bothRing, { batchSize: 1 });
    expect(report.find((r) => r.table === "credentials")).toEqual({ table: "credentials", rewrapped: 2, skipped: 0 });

    const after = await db.select().from(credentials);
    for (const c of after) {
      expect(sealedKid(c.payloadSealed!)).toBe("new");
      // Readable with the new key alone: the old key can now be retired.
      const text = openSecretText(c.payloadSealed!, secretContext.credential(c), newOnlyRing);
      expect(text).toBe(plain.get(c.id));
    }
    const again = await rotateStoredSecrets(db, bothRing);
    expect(again.every((r) => r.rewrapped === 0)).toBe(true);
  });

  it("re-wraps webhook signing secrets too", async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    await seedDemo(db);
    const [ada] = await db.select().from(users).where(eq(users.email, "ada@acme.test"));
    const id = crypto.randomUUID();
    const secret = JSON.stringify("whsec_dGVzdC1zZWNyZXQtZm9yLXJvdGF0aW9uLTMyYnl0ZXM=");
    const context = secretContext.webhook({ id, orgId: ada.orgId });
    await db
      .insert(webhooks)
      .values({ id, orgId: ada.orgId, url: "https://example.com/h", secretSealed: sealSecret(secret, context, oldRing) });
    const report = await rotateStoredSecrets(db, bothRing);
    expect(report.find((r) => r.table === "webhooks")).toEqual({ table: "webhooks", rewrapped: 1, skipped: 0 });
    const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
    expect(openSecretText(row.secretSealed, context, newOnlyRing)).toBe(secret);
  });

  it("re-seals values from before the org/connection binding to it, resumably, on the same key", async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    await seedDemo(db);
    const [ada] = await db.select().from(users).where(eq(users.email, "ada@acme.test"));
    const plain = new Map<string, string>();
    for (const linkName of ["legacy_a", "legacy_b", "legacy_c"]) {
      const [conn] = await db
        .insert(connections)
        .values({ orgId: ada.orgId, ownerId: ada.id, catalogLinkName: "github", name: linkName, linkName })
        .returning();
      const [row] = await db.insert(credentials).values({ orgId: ada.orgId, connectionId: conn.id, userId: ada.id }).returning();
      const secret = JSON.stringify({ accessToken: `token-${linkName}` });
      plain.set(row.id, secret);
      const sealed = sealLegacyV1(secret, { table: "credentials", rowId: row.id, userId: ada.id }, "old", oldKey);
      await db.update(credentials).set({ payloadSealed: sealed }).where(eq(credentials.id, row.id));
    }
    await expect(
      rotateStoredSecrets(db, oldRing, {
        batchSize: 1,
        onProgress: () => {
          throw new Error("interrupted");
        },
      }),
    ).rejects.toThrow("interrupted");
    const report = await rotateStoredSecrets(db, oldRing, { batchSize: 1 });
    expect(report.find((r) => r.table === "credentials")).toEqual({ table: "credentials", rewrapped: 2, skipped: 0 });
    for (const c of await db.select().from(credentials)) {
      expect(isLegacySealed(c.payloadSealed!)).toBe(false);
      expect(openSecretText(c.payloadSealed!, secretContext.credential(c), oldRing)).toBe(plain.get(c.id));
      // Bound now: the same value does not open as another connection's.
      expect(() => openSecretText(c.payloadSealed!, secretContext.credential({ ...c, connectionId: ada.id }), oldRing)).toThrow();
    }
  });
});
