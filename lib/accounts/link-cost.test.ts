/**
 * A wrong or dead one-time link costs no password hashing (docs/security.md "One-time
 * links"), on PGlite and Postgres: the token is read before the password is hashed, so an
 * unauthenticated flood of made-up links cannot queue scrypt work. hashPassword is the
 * real one, wrapped to count its calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, databaseKinds, seedPeople, setupTestEnv, type DemoPeople, type TestDatabase } from "@/test/harness";

const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/lib/crypto/password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/crypto/password")>();
  return {
    ...actual,
    hashPassword: (password: string) => {
      hashes.count += 1;
      return actual.hashPassword(password);
    },
  };
});

const { completeSetup } = await import("./first-run");
const { acceptInvitation, inviteMember } = await import("./invitations");
const { setPasswordWithLink } = await import("./passwords");

setupTestEnv();
const madeUp = "A".repeat(43);

describe.each(databaseKinds)("the cost of a bad link on %s", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(() => {
    hashes.count = 0;
  });

  it("a made-up invitation, reset or setup token is refused before any hashing", async () => {
    await expect(acceptInvitation(database.db, { token: madeUp, name: "Mallory", password: "guess-guess" })).rejects.toThrow(
      /expired or was already used/,
    );
    await expect(setPasswordWithLink(database.db, { token: madeUp, password: "guess-guess" })).rejects.toThrow(
      /expired or was already used/,
    );
    const setup = { token: madeUp, orgName: "X", name: "M", email: "m@x.test", password: "guess-guess" };
    await expect(completeSetup(database.db, setup)).rejects.toThrow(/already set up/);
    const empty = await createTestDatabase(kind);
    try {
      await expect(completeSetup(empty.db, setup)).rejects.toThrow(/expired or was already used/);
    } finally {
      await empty.drop();
    }
    expect(hashes.count).toBe(0);
  });

  it("a live invitation hashes the password once and is then used up", async () => {
    const { link } = await inviteMember(database.db, people.ada, { email: "nina@acme.test", role: "member" }, "http://app");
    const token = new URL(link).searchParams.get("token")!;
    await acceptInvitation(database.db, { token, name: "Nina", password: "nina-password" });
    expect(hashes.count).toBe(1);
    await expect(acceptInvitation(database.db, { token, name: "Nina", password: "nina-password" })).rejects.toThrow(
      /expired or was already used/,
    );
    expect(hashes.count).toBe(1);
  });
});
