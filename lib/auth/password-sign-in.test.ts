/**
 * Email and password sign-in under the throttle (docs/security.md "Sign-in throttling") on
 * PGlite and Postgres: parallel guesses are counted before the password is checked, so a
 * burst of them cannot all be tried, and the right password sent last is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/password";
import { DEMO_PASSWORD } from "@/db/seed";
import { createTestDatabase, databaseKinds, seedPeople, setupTestEnv, type TestDatabase } from "@/test/harness";
import { signInWithPassword } from "./password-sign-in";
import { ADDRESS_MAX_FAILURES, MAX_FAILURES, SignInThrottle, TOO_MANY_ATTEMPTS } from "./sign-in-throttle";

setupTestEnv();

describe.each(databaseKinds)("password sign-in on %s", (kind) => {
  let database: TestDatabase;
  const throttle = () =>
    kind === "postgres" ? new SignInThrottle({ kind: "postgres", db: database.db }) : new SignInThrottle({ kind: "memory" });
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedPeople(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("25 simultaneous guesses: only the limit are checked, and the right password sent last is refused", async () => {
    const t = throttle();
    // The wrong guesses are held inside the password check until all 24 were counted (held
    // there, or refused), so all 25 are in flight at once when the right one is sent.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let counted = 0;
    let allCounted!: () => void;
    const wrongCounted = new Promise<void>((resolve) => (allCounted = resolve));
    const countOne = () => {
      counted += 1;
      if (counted === 24) allCounted();
    };
    let checked = 0;
    const holding = async (password: string, hash: string) => {
      checked += 1;
      if (password !== DEMO_PASSWORD) {
        countOne();
        await held;
      }
      return verifyPassword(password, hash);
    };
    const attempt = (password: string, i: number) =>
      signInWithPassword(database.db, t, { email: "ada@acme.test", password, address: `10.1.0.${i}` }, holding);
    const wrong = Array.from({ length: 24 }, (_, i) =>
      attempt(`wrong-${i}`, i).then(
        () => "checked",
        () => {
          countOne();
          return "refused";
        },
      ),
    );
    await wrongCounted;
    const right = attempt(DEMO_PASSWORD, 24);
    const rightOutcome = await right.then(
      (value) => ({ signedIn: value !== null, error: "" }),
      (error: unknown) => ({ signedIn: false, error: String(error) }),
    );
    release();
    const outcomes = await Promise.all(wrong);
    expect(rightOutcome).toEqual({ signedIn: false, error: expect.stringContaining(TOO_MANY_ATTEMPTS) });
    expect(checked).toBe(MAX_FAILURES);
    expect(outcomes.filter((o) => o === "refused")).toHaveLength(24 - MAX_FAILURES + 1); // the 10th says so too
  });

  it("the right password signs in, clears the account's count and gives the address its point back", async () => {
    const t = throttle();
    for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
      expect(
        await signInWithPassword(database.db, t, { email: "bob@acme.test", password: "nope", address: "10.2.0.1" }),
      ).toBeNull();
    }
    const bob = await signInWithPassword(database.db, t, {
      email: "bob@acme.test",
      password: DEMO_PASSWORD,
      address: "10.2.0.1",
    });
    expect(bob).toMatchObject({ email: "bob@acme.test", role: "member" });
    // The account starts again from zero; the address spent 9 of its 50 (the success was given back).
    expect(await t.attempt("bob@acme.test", undefined)).toMatchObject({ allowed: true, failures: 1 });
    for (let i = 0; i < ADDRESS_MAX_FAILURES - MAX_FAILURES + 1; i += 1) {
      expect((await t.attempt(`other${i}@acme.test`, "10.2.0.1")).allowed).toBe(true);
    }
    expect((await t.attempt("another@acme.test", "10.2.0.1")).allowed).toBe(false);
  }, 30_000);
});
