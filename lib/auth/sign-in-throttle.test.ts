/**
 * Sign-in throttling (docs/security.md "Sign-in throttling"): on Postgres the counts live in
 * the database (RateLimiterDrizzle), shared by every instance; on PGlite in memory. Ten
 * failures in the window refuse the account, or the address, until the window ends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, setupTestEnv, type TestDatabase } from "@/test/harness";
import { Semaphore } from "@/lib/crypto/semaphore";
import { statusOf } from "@/lib/errors";
import { ADDRESS_MAX_FAILURES, clientAddress, MAX_FAILURES, SignInThrottle } from "./sign-in-throttle";

setupTestEnv();

describe.each(databaseKinds)("the sign-in throttle on %s", (kind) => {
  let database: TestDatabase;
  const throttle = (windowSeconds?: number) =>
    kind === "postgres"
      ? new SignInThrottle({ kind: "postgres", db: database.db }, { windowSeconds })
      : new SignInThrottle({ kind: "memory" }, { windowSeconds });
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("refuses an account after 10 attempts from anywhere, and says for how long", async () => {
    const t = throttle();
    for (let i = 1; i < MAX_FAILURES; i += 1) {
      expect(await t.attempt("ada@acme.test", `10.0.0.${i}`)).toMatchObject({ allowed: true, failures: i, last: false });
    }
    expect(await t.attempt("ada@acme.test", "10.0.0.10")).toMatchObject({ allowed: true, failures: 10, last: true });
    const verdict = await t.attempt("ADA@acme.test", "10.9.9.9");
    expect(verdict.allowed).toBe(false);
    expect(verdict.retryAfterMs).toBeGreaterThan(14 * 60_000);
    expect(verdict.retryAfterMs).toBeLessThanOrEqual(15 * 60_000);
    // Another account from a fresh address is not affected.
    expect(await t.attempt("bob@acme.test", "10.9.9.8")).toMatchObject({ allowed: true, failures: 1 });
  });

  it("refuses an address after 50 attempts across accounts; a success clears the account and gives the address its point back", async () => {
    const t = throttle();
    for (let i = 0; i < ADDRESS_MAX_FAILURES - 1; i += 1) {
      expect(await t.attempt(`spray${i}@acme.test`, "192.0.2.7")).toMatchObject({ allowed: true, failures: 1 });
    }
    await t.attempt("carol@acme.test", "198.51.100.1");
    await t.attempt("carol@acme.test", "192.0.2.7"); // the address's 50th
    await t.succeeded("carol@acme.test", "192.0.2.7"); // ... given back
    expect(await t.attempt("carol@acme.test", "192.0.2.7")).toMatchObject({ allowed: true, failures: 1, last: true });
    expect((await t.attempt("someone@acme.test", "192.0.2.7")).allowed).toBe(false);
  });

  it("a refused address spends no account's attempts: it cannot lock out the members it names", async () => {
    const t = throttle();
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i += 1) await t.attempt(`list${i}@acme.test`, "203.0.113.9");
    for (let i = 0; i < MAX_FAILURES * 2; i += 1) {
      expect((await t.attempt("victim@acme.test", "203.0.113.9")).allowed).toBe(false);
    }
    // The victim, from their own address, still has every attempt.
    expect(await t.attempt("victim@acme.test", "198.51.100.77")).toMatchObject({ allowed: true, failures: 1 });
  });

  it("forgets the attempts when the window ends", async () => {
    const t = throttle(1);
    for (let i = 0; i < MAX_FAILURES; i += 1) await t.attempt("window@acme.test", undefined);
    expect((await t.attempt("window@acme.test", undefined)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await t.attempt("window@acme.test", undefined)).toMatchObject({ allowed: true, failures: 1 });
  });

  if (kind === "postgres") {
    it("shares the counts between instances (two throttles on one database)", async () => {
      const one = throttle();
      const two = throttle();
      for (let i = 0; i < MAX_FAILURES; i += 1) await (i % 2 ? one : two).attempt("shared@acme.test", undefined);
      expect((await one.attempt("shared@acme.test", undefined)).allowed).toBe(false);
      expect((await two.attempt("shared@acme.test", undefined)).allowed).toBe(false);
    });
  }
});

describe("client address and password concurrency", () => {
  it("takes the rightmost X-Forwarded-For entry, the one the nearest proxy wrote", () => {
    expect(clientAddress("203.0.113.9, 10.0.0.2")).toBe("10.0.0.2");
    expect(clientAddress(["1.1.1.1", "2.2.2.2"])).toBe("2.2.2.2");
    expect(clientAddress(undefined)).toBeUndefined();
    expect(clientAddress("")).toBeUndefined();
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4", () => {
    expect(clientAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(clientAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(clientAddress("192.0.2.1")).toBe("192.0.2.1");
  });

  it("runs at most the limit at once, the rest in order", async () => {
    const gate = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 10));
          order.push(i);
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("refuses at once with Busy when the queue is full, instead of queueing without bound", async () => {
    const gate = new Semaphore(1, 2);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = [gate.run(() => held), gate.run(async () => "second"), gate.run(async () => "third")];
    expect(gate.pending).toBe(2);
    await expect(gate.run(async () => "fourth")).rejects.toMatchObject({ code: "busy", message: /busy\. Try again/ });
    expect(statusOf("busy")).toBe(429);
    release();
    await expect(Promise.all(running)).resolves.toEqual([undefined, "second", "third"]);
    // Room again once the queue drained.
    await expect(gate.run(async () => "later")).resolves.toBe("later");
  });
});
