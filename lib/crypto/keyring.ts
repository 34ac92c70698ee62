import "server-only";
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The key-encryption keys (docs/architecture.md "Secrets"): each secret's data key is wrapped
 * with `keys.get(activeKid)`; older keys stay so existing secrets can be opened and
 * re-wrapped during rotation (docs/product.md §9).
 */
export type KeyRing = { readonly activeKid: string; readonly keys: ReadonlyMap<string, Buffer> };

/** Bytes in an AES-256 key. */
export const KEY_BYTES = 32;

const kidPattern = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL-safe alphabet; the decoded length is checked separately.
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Thrown for an unusable key ring; messages name the kid at most, never key material. */
export class KeyRingError extends Error {
  override name = "KeyRingError";
}

/** True when `kid` is a valid key id (`^[A-Za-z0-9_-]{1,32}$`); kids travel inside sealed values. */
export function isValidKid(kid: string): boolean {
  return kidPattern.test(kid);
}

/**
 * Parses `CONNECTIONS_KEYS` (`{"<kid>":"<base64 32 bytes>"}`) and `CONNECTIONS_ACTIVE_KEY`
 * (docs/architecture.md "Configuration").
 * @throws KeyRingError for bad JSON, a bad kid, a key that is not 32 bytes, or a missing active kid.
 */
export function parseKeyRing(keysJson: string, activeKid: string): KeyRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(keysJson);
  } catch {
    // JSON.parse quotes the input in its message, so its error must not travel.
    throw new KeyRingError("CONNECTIONS_KEYS is not valid JSON");
  }
  return keyRingFromObject(parsed, activeKid, "CONNECTIONS_KEYS");
}

function keyRingFromObject(value: unknown, activeKid: unknown, source: string): KeyRing {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KeyRingError(`${source} must be a JSON object of {"<kid>": "<base64 key>"}`);
  }
  const keys = new Map<string, Buffer>();
  for (const [kid, encoded] of Object.entries(value)) {
    // The kid itself is not echoed: a swapped kid/key pair would put the key in the message.
    if (!isValidKid(kid)) {
      throw new KeyRingError(`${source} has a key id that does not match ${kidPattern.source}`);
    }
    keys.set(kid, decodeKey(kid, encoded, source));
  }
  if (keys.size === 0) throw new KeyRingError(`${source} holds no keys`);
  if (typeof activeKid !== "string" || !isValidKid(activeKid)) {
    throw new KeyRingError(`The active key id does not match ${kidPattern.source}`);
  }
  if (!keys.has(activeKid)) {
    throw new KeyRingError(`The active key id "${activeKid}" is not in ${source}`);
  }
  return { activeKid, keys };
}

function decodeKey(kid: string, encoded: unknown, source: string): Buffer {
  const problem = `${source} key "${kid}" must be base64 of exactly ${KEY_BYTES} bytes`;
  if (typeof encoded !== "string" || !base64Pattern.test(encoded)) throw new KeyRingError(problem);
  // Node's base64 decoder reads both alphabets.
  const key = Buffer.from(encoded, "base64");
  if (key.length !== KEY_BYTES) throw new KeyRingError(problem);
  return key;
}

/** A fresh key for `CONNECTIONS_KEYS`: base64 of 32 random bytes. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** A fresh key id such as `k20250131_3fa9c2`: sortable by date, unique enough for a ring. */
export function newKid(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `k${day}_${randomBytes(3).toString("hex")}`;
}

type KeyRingFile = { activeKid: string; keys: Record<string, string> };

/**
 * Reads `<dataDir>/keyring.json`, or creates it with one random key (mode 0600) when
 * absent: the embedded default of docs/architecture.md "Secrets". Callers warn when `created`.
 * @throws KeyRingError when the file exists but is unusable.
 */
export function loadOrCreateDevKeyRing(dataDir: string): { ring: KeyRing; created: boolean } {
  const file = path.join(dataDir, "keyring.json");
  const existing = readKeyRingFile(file);
  if (existing) return { ring: existing, created: false };

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const kid = newKid();
  const content: KeyRingFile = { activeKid: kid, keys: { [kid]: generateKey() } };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  try {
    // link() creates the name atomically and fails if another process won the race.
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readKeyRingFile(file);
    if (!winner) throw new KeyRingError(`${file} vanished while being created`);
    return { ring: winner, created: false };
  } finally {
    unlinkSync(tmp);
  }
  return { ring: keyRingFromObject(content.keys, content.activeKid, file), created: true };
}

function readKeyRingFile(file: string): KeyRing | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyRingError(`${file} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null) {
    throw new KeyRingError(`${file} must hold {"activeKid": "...", "keys": {...}}`);
  }
  const { activeKid, keys } = parsed as Partial<KeyRingFile>;
  return keyRingFromObject(keys, activeKid, file);
}
