/**
 * A production start and the accounts (docs/product.md §8): no demo seed unless asked,
 * refusal while a demo account keeps the public password, and the setup link logged on an
 * empty database. NODE_ENV=production for this file only (env() is cached per process).
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { seedDemo, DEMO_PASSWORD } from "@/db/seed";
import { hashPassword } from "@/lib/crypto/password";
import { env } from "@/lib/env";
import { createTestDatabase, databaseKinds, setupTestEnv, type TestDatabase } from "@/test/harness";
import { checkAccounts } from "./startup";

setupTestEnv({ env: { NODE_ENV: "production", CONNECTIONS_SEED: "", NEXTAUTH_SECRET: "startup-test-secret" } });

function captureLog() {
  const lines: string[] = [];
  return { lines, log: { warn: (message: string) => lines.push(message) } as never };
}

describe.each(databaseKinds)("a production start on %s", (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database?.drop();
  });

  it("does not seed the demo unless CONNECTIONS_SEED=true", () => {
    expect(env().CONNECTIONS_SEED).toBe(false);
  });

  it("logs a one-time setup link on an empty database, once per start", async () => {
    const { lines, log } = captureLog();
    await checkAccounts(database.db, log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/open http:\/\/127\.0\.0\.1:3999\/setup\?token=[A-Za-z0-9_-]{43} to create the first organization/);
  });

  it("refuses to start while a demo account has the public demo password, naming the rule and never the password", async () => {
    await seedDemo(database.db);
    const { lines, log } = captureLog();
    const refusal = await checkAccounts(database.db, log).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(refusal?.message).toMatch(/ada@acme\.test, bob@acme\.test, eve@globex\.test still has the public demo password/);
    expect(refusal?.message).toMatch(/CONNECTIONS_SEED=true/);
    expect(refusal?.message).not.toContain(DEMO_PASSWORD);
    expect(lines).toEqual([]);

    // Once every demo account has a password of its own, it starts (and prints no setup link: there are users).
    await database.db.update(users).set({ passwordHash: await hashPassword("a-real-password") });
    await expect(checkAccounts(database.db, log)).resolves.toBeUndefined();
    const [ada] = await database.db.select().from(users).where(eq(users.email, "ada@acme.test"));
    expect(ada).toBeDefined();
    expect(lines).toEqual([]);
  });
});
