import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSecretText, sealSecret } from "./envelope";
import { generateKey, KeyRingError, loadOrCreateDevKeyRing, newKid, parseKeyRing } from "./keyring";

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("parseKeyRing", () => {
  const key = generateKey();

  it("parses a ring with several keys", () => {
    const other = generateKey();
    const ring = parseKeyRing(JSON.stringify({ k1: key, "k_2-b": other }), "k_2-b");
    expect(ring.activeKid).toBe("k_2-b");
    expect([...ring.keys.keys()]).toEqual(["k1", "k_2-b"]);
    expect(ring.keys.get("k1")!.toString("base64")).toBe(key);
    expect(ring.keys.get("k_2-b")!.length).toBe(32);
  });

  it("accepts URL-safe base64 and missing padding", () => {
    const url = Buffer.from(key, "base64").toString("base64url");
    expect(
      parseKeyRing(JSON.stringify({ k1: url }), "k1")
        .keys.get("k1")!
        .toString("base64"),
    ).toBe(key);
  });

  // Each case carries the secret text that must stay out of the message.
  const secretish = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LWxlYWtz";
  it.each<[string, string, string, RegExp]>([
    ["bad JSON", `{"k1": "${secretish}"`, "k1", /not valid JSON/],
    ["a JSON array", `["${secretish}"]`, "k1", /JSON object/],
    ["an empty ring", "{}", "k1", /no keys/],
    ["a short key", JSON.stringify({ k1: secretish }), "k1", /"k1" must be base64 of exactly 32 bytes/],
    ["a long key", JSON.stringify({ k1: generateKey() + secretish }), "k1", /exactly 32 bytes/],
    ["a non-base64 key", JSON.stringify({ k1: `${secretish}!!` }), "k1", /exactly 32 bytes/],
    ["a non-string key", JSON.stringify({ k1: 12345 }), "k1", /exactly 32 bytes/],
    ["a bad kid", JSON.stringify({ "bad kid": secretish }), "k1", /key id that does not match/],
    ["a kid over 32 characters", JSON.stringify({ ["k".repeat(33)]: secretish }), "k1", /key id that does not match/],
    ["a swapped kid and key", JSON.stringify({ [secretish]: "k1" }), "k1", /key id that does not match/],
    ["a missing active kid", JSON.stringify({ k1: key }), "k2", /"k2" is not in CONNECTIONS_KEYS/],
    ["an invalid active kid", JSON.stringify({ k1: key }), secretish, /active key id does not match/],
  ])("rejects %s with a clear message that holds no key material", (_label, json, activeKid, message) => {
    const error = errorOf(() => parseKeyRing(json, activeKid));
    expect(error).toBeInstanceOf(KeyRingError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(secretish);
    expect(error.message).not.toContain(key);
    expect(error.cause).toBeUndefined();
  });
});

describe("generateKey / newKid", () => {
  it("makes 32-byte keys and valid, distinct kids", () => {
    expect(Buffer.from(generateKey(), "base64").length).toBe(32);
    expect(generateKey()).not.toBe(generateKey());
    const kid = newKid(new Date("2025-01-31T10:00:00Z"));
    expect(kid).toMatch(/^k20250131_[0-9a-f]{6}$/);
    expect(() => parseKeyRing(JSON.stringify({ [kid]: generateKey() }), kid)).not.toThrow();
    expect(newKid()).not.toBe(newKid());
  });
});

describe("loadOrCreateDevKeyRing", () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "keyring-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the ring (mode 0600, directories included), then re-reads the same ring", () => {
    const dataDir = path.join(tmp(), "nested", ".data");
    const first = loadOrCreateDevKeyRing(dataDir);
    expect(first.created).toBe(true);
    const file = path.join(dataDir, "keyring.json");
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadOrCreateDevKeyRing(dataDir);
    expect(second.created).toBe(false);
    expect(second.ring.activeKid).toBe(first.ring.activeKid);
    expect(second.ring.keys.get(second.ring.activeKid)!.equals(first.ring.keys.get(first.ring.activeKid)!)).toBe(true);

    const ctx = { table: "credentials", rowId: "1", userId: "u" };
    expect(openSecretText(sealSecret("kept", ctx, first.ring), ctx, second.ring)).toBe("kept");
    const onDisk = JSON.parse(readFileSync(file, "utf8")) as { activeKid: string; keys: Record<string, string> };
    expect(Object.keys(onDisk.keys)).toEqual([first.ring.activeKid]);
  });

  it("reads a ring an operator wrote", () => {
    const dataDir = tmp();
    const key = generateKey();
    writeFileSync(path.join(dataDir, "keyring.json"), JSON.stringify({ activeKid: "b", keys: { a: generateKey(), b: key } }));
    const { ring, created } = loadOrCreateDevKeyRing(dataDir);
    expect(created).toBe(false);
    expect(ring.activeKid).toBe("b");
    expect(ring.keys.get("b")!.toString("base64")).toBe(key);
  });

  it("refuses a corrupt file without quoting it", () => {
    const dataDir = tmp();
    const key = generateKey();
    writeFileSync(path.join(dataDir, "keyring.json"), `{"activeKid":"a","keys":{"a":"${key}"`);
    const error = errorOf(() => loadOrCreateDevKeyRing(dataDir));
    expect(error).toBeInstanceOf(KeyRingError);
    expect(error.message).not.toContain(key);
  });
});
