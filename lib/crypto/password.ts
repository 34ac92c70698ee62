import "server-only";
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { Semaphore } from "./semaphore";

/** Two at a time: libuv's pool has four threads, and outbound DNS lookups need some of them. */
export const PASSWORD_CONCURRENCY = 2;
/** At most this many hashes wait their turn; beyond, a request is refused with Busy (429). */
export const PASSWORD_QUEUE_LIMIT = 32;
const hashing = new Semaphore(PASSWORD_CONCURRENCY, PASSWORD_QUEUE_LIMIT);

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  hashing.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );

/** N=2^15 costs ~50 ms here: slow for guessing, quick enough for a sign-in. */
const PARAMS = { N: 32768, r: 8, p: 1, keylen: 64 } as const;
const MAXMEM = 64 * 1024 * 1024;

/** `scrypt$N$r$p$salt$hash`, so the cost can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS.keylen, { N: PARAMS.N, r: PARAMS.r, p: PARAMS.p, maxmem: MAXMEM });
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], "base64");
  const expected = Buffer.from(parts[5], "base64");
  if (!N || !r || !p || expected.length === 0) return false;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: MAXMEM });
  return timingSafeEqual(key, expected);
}

/**
 * The password hash of an account that has no password yet (made by single sign-on or by
 * `npm run admin:create`): no password matches it; a reset link sets one.
 */
export const NO_PASSWORD = "none";

/** Whether a stored hash is a real password (not NO_PASSWORD). */
export const hasPassword = (stored: string): boolean => stored !== NO_PASSWORD;

/** A hash nobody's password matches, verified against when the email is unknown so timing does not tell. */
export const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + Buffer.alloc(64, 1).toString("base64");
