import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sealLegacyV1 } from "@/test/harness/legacy-seal";
import {
  DecryptError,
  isLegacySealed,
  openSecret,
  openSecretText,
  rewrapSecret,
  sealedKid,
  sealSecret,
  type SecretContext,
} from "./envelope";
import { generateKey, parseKeyRing, type KeyRing } from "./keyring";

const ctx: SecretContext = { table: "credentials", rowId: "row-a", userId: "user-a" };

function ring(activeKid: string, kids: readonly string[] = [activeKid]): KeyRing {
  const keys: Record<string, string> = {};
  for (const kid of kids) keys[kid] = generateKey();
  return parseKeyRing(JSON.stringify(keys), activeKid);
}

function withActive(base: KeyRing, activeKid: string): KeyRing {
  return { activeKid, keys: base.keys };
}

function expectDecryptError(open: () => unknown, reason?: DecryptError["reason"]): void {
  let caught: unknown;
  try {
    open();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptError);
  if (reason) expect((caught as DecryptError).reason).toBe(reason);
}

// Parts after "v2.<kid>": 2 wrap IV, 3 wrapped key + tag, 4 IV, 5 ciphertext + tag.
const partNames = { 2: "wrap IV", 3: "wrapped key/tag", 4: "IV", 5: "ciphertext/tag" } as const;

function flipByte(sealed: string, part: 2 | 3 | 4 | 5, position: number, mask: number): string {
  const fields = sealed.split(".");
  const bytes = Buffer.from(fields[part], "base64url");
  bytes[position % bytes.length] ^= mask;
  fields[part] = bytes.toString("base64url");
  return fields.join(".");
}

describe("sealSecret / openSecret", () => {
  const keys = ring("k1");

  it.each([
    ["0 bytes", Buffer.alloc(0)],
    ["1 byte", Buffer.from([0x42])],
    ["exactly 1 MiB", randomBytes(1024 * 1024)],
  ])("round-trips %s", (_label, plaintext) => {
    const sealed = sealSecret(plaintext, ctx, keys);
    expect(openSecret(sealed, ctx, keys).equals(plaintext)).toBe(true);
  });

  it("round-trips random sizes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const plaintext = Buffer.from(bytes);
        expect(openSecret(sealSecret(plaintext, ctx, keys), ctx, keys).equals(plaintext)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips text, including non-ASCII", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(openSecretText(sealSecret(text, ctx, keys), ctx, keys)).toBe(text);
      }),
    );
  });

  it("produces a compact ASCII v2 string that carries the kid and never the plaintext", () => {
    const sealed = sealSecret("hunter2-secret", ctx, keys);
    expect(sealed).toMatch(/^v2\.k1(\.[A-Za-z0-9_-]+){4}$/);
    expect(sealed).not.toContain("hunter2");
    expect(sealedKid(sealed)).toBe("k1");
  });

  it("uses a fresh data key and IV each time", () => {
    const a = sealSecret("same", ctx, keys).split(".");
    const b = sealSecret("same", ctx, keys).split(".");
    for (const part of [2, 3, 4, 5]) expect(a[part]).not.toBe(b[part]);
  });

  for (const part of [2, 3, 4, 5] as const) {
    it(`fails when any byte of the ${partNames[part]} is flipped`, () => {
      const sealed = sealSecret(randomBytes(40), ctx, keys);
      fc.assert(
        fc.property(fc.nat({ max: 4096 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
          expectDecryptError(() => openSecret(flipByte(sealed, part, position, mask), ctx, keys), "not_authentic");
        }),
        { numRuns: 300 },
      );
    });
  }

  it("fails when any character of the sealed string is replaced", () => {
    // A second key lets "k1" -> "k2" name a real key: the kid is bound too.
    const twoKeys = ring("k1", ["k1", "k2"]);
    const sealedTwo = sealSecret("a secret", ctx, twoKeys);
    fc.assert(
      fc.property(fc.nat({ max: sealedTwo.length - 1 }), fc.constantFrom(..."ABCxyz019-_.+/=k2v"), (position, replacement) => {
        fc.pre(sealedTwo[position] !== replacement);
        const altered = sealedTwo.slice(0, position) + replacement + sealedTwo.slice(position + 1);
        expectDecryptError(() => openSecret(altered, ctx, twoKeys));
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, SecretContext]>([
    ["another row", { ...ctx, rowId: "row-b" }],
    ["another user", { ...ctx, userId: "user-b" }],
    ["another table", { ...ctx, table: "oauth_apps" }],
    ["fields swapped", { table: ctx.table, rowId: ctx.userId, userId: ctx.rowId }],
  ])("fails when opened for %s", (_label, otherCtx) => {
    const sealed = sealSecret("token", ctx, keys);
    expectDecryptError(() => openSecret(sealed, otherCtx, keys), "not_authentic");
  });

  it("encodes the context unambiguously", () => {
    const sealed = sealSecret("token", { table: "t", rowId: "a|b", userId: "c" }, keys);
    expectDecryptError(() => openSecret(sealed, { table: "t", rowId: "a", userId: "b|c" }, keys), "not_authentic");
    const joined = sealSecret("token", { table: "ab", rowId: "c", userId: "d" }, keys);
    expectDecryptError(() => openSecret(joined, { table: "a", rowId: "bc", userId: "d" }, keys), "not_authentic");
  });

  it("fails for an unknown kid, without leaking anything", () => {
    const sealed = sealSecret("super-secret-value", ctx, ring("old"));
    expectDecryptError(() => openSecret(sealed, ctx, keys), "unknown_kid");
    try {
      openSecret(sealed, ctx, keys);
    } catch (error) {
      expect((error as Error).message).not.toContain(sealed.split(".")[5]);
    }
  });

  it("fails when another ring reuses the kid with a different key", () => {
    const sealed = sealSecret("token", ctx, keys);
    expectDecryptError(() => openSecret(sealed, ctx, ring("k1")), "not_authentic");
  });

  it("fails when the kid is relabelled to another key in the ring", () => {
    const twoKeys = ring("k1", ["k1", "k2"]);
    const fields = sealSecret("token", ctx, twoKeys).split(".");
    fields[1] = "k2";
    expectDecryptError(() => openSecret(fields.join("."), ctx, twoKeys), "not_authentic");
  });

  it.each(["", "v1", "v2.k1.a.b.c.d", "v1.k1.a.b.c.d", "v1.bad kid.AAAA.AAAA.AAAA.AAAA", "garbage"])(
    "rejects malformed value %j",
    (sealed) => {
      expectDecryptError(() => openSecret(sealed, ctx, keys), "malformed");
      expectDecryptError(() => sealedKid(sealed), "malformed");
    },
  );

  it("rejects a truncated tag", () => {
    const fields = sealSecret("token", ctx, keys).split(".");
    fields[5] = Buffer.from(fields[5], "base64url").subarray(0, 15).toString("base64url");
    expectDecryptError(() => openSecret(fields.join("."), ctx, keys), "malformed");
  });

  it("never puts the plaintext in an error message", () => {
    const secret = "plain-secret-123";
    const sealed = sealSecret(secret, ctx, keys);
    for (const attempt of [
      () => openSecret(flipByte(sealed, 5, 0, 1), ctx, keys),
      () => openSecret(sealed, { ...ctx, rowId: "x" }, keys),
    ]) {
      try {
        attempt();
      } catch (error) {
        expect(String(error)).not.toContain(secret);
        expect(String(error)).not.toContain(sealed);
      }
    }
  });

  it("refuses an empty context field", () => {
    expect(() => sealSecret("x", { ...ctx, rowId: "" }, keys)).toThrow(TypeError);
  });
});

describe("rewrapSecret", () => {
  const both = ring("old", ["old", "new"]);
  const oldRing = withActive(both, "old");
  const newRing = withActive(both, "new");

  it("moves the data key to the active kid, keeping plaintext and ciphertext part", () => {
    const sealed = sealSecret("refresh-token", ctx, oldRing);
    const rewrapped = rewrapSecret(sealed, ctx, newRing);
    expect(sealedKid(rewrapped)).toBe("new");
    expect(rewrapped.split(".").slice(4)).toEqual(sealed.split(".").slice(4));
    expect(openSecretText(rewrapped, ctx, newRing)).toBe("refresh-token");
    const onlyNew = parseKeyRing(JSON.stringify({ new: newRing.keys.get("new")!.toString("base64") }), "new");
    expect(openSecretText(rewrapped, ctx, onlyNew)).toBe("refresh-token");
  });

  it("fails for the wrong context", () => {
    const sealed = sealSecret("token", ctx, oldRing);
    expectDecryptError(() => rewrapSecret(sealed, { ...ctx, userId: "user-b" }, newRing), "not_authentic");
  });

  it("fails for an unknown kid", () => {
    const sealed = sealSecret("token", ctx, ring("gone"));
    expectDecryptError(() => rewrapSecret(sealed, ctx, newRing), "unknown_kid");
  });
});

describe("the v2 binding: organization and connection (docs/security.md)", () => {
  const keyB64 = generateKey();
  const keys2 = parseKeyRing(JSON.stringify({ k1: keyB64 }), "k1");
  const bound: SecretContext = {
    ...ctx,
    bindings: [
      ["org", "org-a"],
      ["connection", "conn-a"],
    ],
  };

  it("a value sealed for one organization and connection opens only there", () => {
    const sealed = sealSecret("token-of-conn-a", bound, keys2);
    expect(openSecretText(sealed, bound, keys2)).toBe("token-of-conn-a");
    expectDecryptError(
      () =>
        openSecret(
          sealed,
          {
            ...ctx,
            bindings: [
              ["org", "org-b"],
              ["connection", "conn-a"],
            ],
          },
          keys2,
        ),
      "not_authentic",
    );
    expectDecryptError(
      () =>
        openSecret(
          sealed,
          {
            ...ctx,
            bindings: [
              ["org", "org-a"],
              ["connection", "conn-b"],
            ],
          },
          keys2,
        ),
      "not_authentic",
    );
    expectDecryptError(() => openSecret(sealed, ctx, keys2), "not_authentic");
  });

  it("a v1 value from before the binding still opens, cannot be passed off as v2, and re-seals to v2 bound", () => {
    const legacy = sealLegacyV1("old-token", ctx, "k1", keyB64);
    expect(isLegacySealed(legacy)).toBe(true);
    expect(openSecretText(legacy, bound, keys2)).toBe("old-token");
    expectDecryptError(() => openSecret(legacy.replace(/^v1\./, "v2."), bound, keys2), "not_authentic");
    const resealed = rewrapSecret(legacy, bound, keys2);
    expect(isLegacySealed(resealed)).toBe(false);
    expect(openSecretText(resealed, bound, keys2)).toBe("old-token");
    expectDecryptError(
      () =>
        openSecret(
          resealed,
          {
            ...ctx,
            bindings: [
              ["org", "org-b"],
              ["connection", "conn-a"],
            ],
          },
          keys2,
        ),
      "not_authentic",
    );
  });
});
