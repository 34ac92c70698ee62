import { describe, expect, it } from "vitest";
import { openSecretText, sealedKid, sealSecret, type SecretContext } from "./envelope";
import { generateKey, parseKeyRing, type KeyRing } from "./keyring";
import { RotationError, rotateSecrets, type SealedSecretRow } from "./rotate";

const keysJson = JSON.stringify({ old1: generateKey(), old2: generateKey(), current: generateKey() });
const ringFor = (activeKid: string): KeyRing => parseKeyRing(keysJson, activeKid);
const activeRing = ringFor("current");

const ctxOf = (id: string): SecretContext => ({ table: "credentials", rowId: id, userId: `user-${Number(id) % 7}` });
const plaintextOf = (id: string): string => `secret-${id}`;

/** An in-memory table with ids "000".."049" ordered as strings, like a text primary key. */
function makeStore(count: number): Map<string, SealedSecretRow> {
  const rows = new Map<string, SealedSecretRow>();
  for (let i = 0; i < count; i += 1) {
    const id = String(i).padStart(3, "0");
    // A mix of two old keys and a few rows already current.
    const kid = i % 10 === 0 ? "current" : i % 2 === 0 ? "old1" : "old2";
    rows.set(id, { id, ctx: ctxOf(id), sealed: sealSecret(plaintextOf(id), ctxOf(id), ringFor(kid)) });
  }
  return rows;
}

function storeAccess(rows: Map<string, SealedSecretRow>) {
  return {
    nextBatch: async (afterId: string | null, limit: number) =>
      [...rows.values()]
        .filter((row) => afterId === null || row.id > afterId)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit)
        .map((row) => ({ ...row })),
    replace: async (id: string, expectedSealed: string, newSealed: string) => {
      const row = rows.get(id);
      if (!row || row.sealed !== expectedSealed) return false;
      rows.set(id, { ...row, sealed: newSealed });
      return true;
    },
  };
}

function expectAllCurrent(rows: Map<string, SealedSecretRow>): void {
  for (const row of rows.values()) {
    expect(sealedKid(row.sealed)).toBe("current");
    expect(openSecretText(row.sealed, row.ctx, activeRing)).toBe(plaintextOf(row.id));
  }
}

describe("rotateSecrets", () => {
  it("moves every row to the active kid, leaving current rows alone", async () => {
    const rows = makeStore(50);
    const alreadyCurrent = new Map([...rows].filter(([, row]) => sealedKid(row.sealed) === "current"));
    const progress: number[] = [];
    const result = await rotateSecrets({
      ring: activeRing,
      ...storeAccess(rows),
      batchSize: 7,
      onProgress: (n) => progress.push(n),
    });

    expect(result).toEqual({ rewrapped: 45, skipped: 0 });
    expectAllCurrent(rows);
    for (const [id, row] of alreadyCurrent) expect(rows.get(id)!.sealed).toBe(row.sealed);
    expect(progress).toEqual([7, 14, 21, 28, 35, 42, 49, 50]);

    const again = await rotateSecrets({ ring: activeRing, ...storeAccess(rows) });
    expect(again).toEqual({ rewrapped: 0, skipped: 0 });
  });

  it("resumes after an interruption and finishes", async () => {
    const rows = makeStore(50);
    const access = storeAccess(rows);
    let writes = 0;
    const failing = async (id: string, expected: string, next: string) => {
      if (writes === 20) throw new Error("connection lost");
      writes += 1;
      return access.replace(id, expected, next);
    };
    await expect(
      rotateSecrets({ ring: activeRing, nextBatch: access.nextBatch, replace: failing, batchSize: 8 }),
    ).rejects.toThrow("connection lost");
    const stale = [...rows.values()].filter((row) => sealedKid(row.sealed) !== "current").length;
    expect(stale).toBe(25);

    const result = await rotateSecrets({ ring: activeRing, ...access, batchSize: 8 });
    expect(result).toEqual({ rewrapped: 25, skipped: 0 });
    expectAllCurrent(rows);
  });

  it("counts a row changed meanwhile as skipped and keeps the newer value", async () => {
    const rows = makeStore(12);
    const access = storeAccess(rows);
    const concurrent = sealSecret("written-by-user", ctxOf("003"), activeRing);
    const racing = async (id: string, expected: string, next: string) => {
      // Another writer updates row 003 between the read and the write.
      if (id === "003") rows.set(id, { ...rows.get(id)!, sealed: concurrent });
      return access.replace(id, expected, next);
    };
    const result = await rotateSecrets({ ring: activeRing, nextBatch: access.nextBatch, replace: racing });
    expect(result).toEqual({ rewrapped: 9, skipped: 1 });
    expect(rows.get("003")!.sealed).toBe(concurrent);
  });

  it("stops with the row id when a data key cannot be unwrapped", async () => {
    const rows = makeStore(5);
    const broken = rows.get("003")!;
    rows.set("003", { ...broken, ctx: { ...broken.ctx, userId: "someone-else" } });
    const error = await rotateSecrets({ ring: activeRing, ...storeAccess(rows) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RotationError);
    expect((error as RotationError).rowId).toBe("003");
    expect((error as Error).message).not.toContain("secret-003");
  });

  it("refuses a store that does not advance", async () => {
    const row = makeStore(1).get("000")!;
    const stuck = { nextBatch: async () => [row], replace: async () => true };
    await expect(rotateSecrets({ ring: activeRing, ...stuck, batchSize: 1 })).rejects.toThrow(/skip/);
  });

  it("rejects a bad batch size", async () => {
    const access = storeAccess(new Map());
    await expect(rotateSecrets({ ring: activeRing, ...access, batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
