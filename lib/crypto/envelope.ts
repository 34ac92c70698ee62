import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { isValidKid, KEY_BYTES, type KeyRing } from "./keyring";

/**
 * Where a secret lives. It is bound into the associated data, so a sealed value copied
 * to another table, row or user no longer opens (docs/architecture.md "Secrets").
 */
export type SecretContext = {
  table: string;
  rowId: string;
  userId: string;
  /**
   * More of what the secret belongs to (its organization, its connection), bound by v2
   * values: a ciphertext moved to a row of another organization or connection no longer
   * opens. v1 values (sealed before these existed) bind only table, row and user.
   */
  bindings?: ReadonlyArray<readonly [name: string, value: string]>;
};

/** Why a sealed value did not open; the message never carries secret material. */
export type DecryptFailure = "malformed" | "unknown_kid" | "not_authentic";

/** Thrown by `openSecret`, `rewrapSecret` and `sealedKid`. */
export class DecryptError extends Error {
  override name = "DecryptError";
  constructor(
    readonly reason: DecryptFailure,
    message: string,
  ) {
    super(message);
  }
}

/** v2 binds `bindings` too; v1 values still open (with table, row and user) until `npm run keys:rotate` re-seals them. */
const VERSION = "v2";
const LEGACY_VERSION = "v1";
const IV_BYTES = 12; // the 96-bit IV GCM is designed for (NIST SP 800-38D §5.2.1.1)
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";
/** Associated-data labels per format version: a value cannot be made to open as the other version. */
const LABELS = {
  v1: { content: "connections/secret/content/v1", wrap: "connections/secret/data-key/v1" },
  v2: { content: "connections/secret/content/v2", wrap: "connections/secret/data-key/v2" },
} as const;
const base64UrlPattern = /^[A-Za-z0-9_-]+$/;

/** The parts of `v2.<kid>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>` (base64url, no padding). */
type SealedParts = {
  version: typeof VERSION | typeof LEGACY_VERSION;
  kid: string;
  wrapIv: Buffer;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  /** The IV and ciphertext as sealed, reused verbatim by `rewrapSecret`. */
  ivText: string;
  ciphertextText: string;
};

/**
 * Encrypts a secret under a fresh random data key (AES-256-GCM, random 96-bit IV, AAD =
 * `ctx`), then wraps the data key with the ring's active key (AAD = kid + `ctx`).
 * Returns `v2.<kid>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>` (docs/product.md §9).
 */
export function sealSecret(plaintext: Buffer | string, ctx: SecretContext, ring: KeyRing): string {
  const contentAad = encodeContext(LABELS[VERSION].content, ctx);
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const iv = randomBytes(IV_BYTES);
    const body = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
    const ciphertext = gcmSeal(dataKey, iv, body, contentAad);
    return wrap(dataKey, ctx, ring, iv.toString("base64url"), ciphertext.toString("base64url"));
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Opens a value made by `sealSecret` for the same `ctx`.
 * @throws DecryptError when the value is malformed, its kid is not in `ring`, or any part was altered.
 */
export function openSecret(sealed: string, ctx: SecretContext, ring: KeyRing): Buffer {
  const parts = parseSealed(sealed);
  const bound = parts.version === LEGACY_VERSION ? legacy(ctx) : ctx;
  const contentAad = encodeContext(LABELS[parts.version].content, bound);
  const dataKey = unwrap(parts, bound, ring);
  try {
    return gcmOpen(dataKey, parts.iv, parts.ciphertext, contentAad);
  } finally {
    dataKey.fill(0);
  }
}

/** `openSecret` decoded as UTF-8. */
export function openSecretText(sealed: string, ctx: SecretContext, ring: KeyRing): string {
  return openSecret(sealed, ctx, ring).toString("utf8");
}

/** The key id a sealed value was wrapped with; rotation compares it to the active kid. */
export function sealedKid(sealed: string): string {
  return parseSealed(sealed).kid;
}

/** Whether a sealed value predates the v2 binding (rotation re-seals those). */
export function isLegacySealed(sealed: string): boolean {
  return parseSealed(sealed).version === LEGACY_VERSION;
}

/** The context a v1 value was sealed with: table, row and user only. */
function legacy(ctx: SecretContext): SecretContext {
  return { table: ctx.table, rowId: ctx.rowId, userId: ctx.userId };
}

/**
 * Re-wraps the data key of `sealed` with the ring's active key. The ciphertext part is
 * kept byte for byte, so rotation never touches the secret itself (docs/architecture.md "Secrets").
 * @throws DecryptError when the data key cannot be unwrapped for `ctx`.
 */
export function rewrapSecret(sealed: string, ctx: SecretContext, ring: KeyRing): string {
  const parts = parseSealed(sealed);
  // A v1 value is re-sealed whole: its content is bound to the old, narrower context.
  if (parts.version === LEGACY_VERSION) return sealSecret(openSecret(sealed, ctx, ring), ctx, ring);
  const dataKey = unwrap(parts, ctx, ring);
  try {
    return wrap(dataKey, ctx, ring, parts.ivText, parts.ciphertextText);
  } finally {
    dataKey.fill(0);
  }
}

function wrap(dataKey: Buffer, ctx: SecretContext, ring: KeyRing, ivText: string, ciphertextText: string): string {
  const kek = ring.keys.get(ring.activeKid);
  if (!kek) throw new Error(`The active key id "${ring.activeKid}" is not in the key ring`);
  const wrapIv = randomBytes(IV_BYTES);
  const wrappedKey = gcmSeal(kek, wrapIv, dataKey, encodeContext(LABELS[VERSION].wrap, ctx, ring.activeKid));
  const wrapIvText = wrapIv.toString("base64url");
  return [VERSION, ring.activeKid, wrapIvText, wrappedKey.toString("base64url"), ivText, ciphertextText].join(".");
}

function unwrap(parts: SealedParts, ctx: SecretContext, ring: KeyRing): Buffer {
  const kek = ring.keys.get(parts.kid);
  if (!kek) {
    throw new DecryptError("unknown_kid", `Secret was sealed with key id "${parts.kid}", which is not in the key ring`);
  }
  return gcmOpen(kek, parts.wrapIv, parts.wrappedKey, encodeContext(LABELS[parts.version].wrap, ctx, parts.kid));
}

function parseSealed(sealed: string): SealedParts {
  const fields = typeof sealed === "string" ? sealed.split(".") : [];
  if (fields.length !== 6 || (fields[0] !== VERSION && fields[0] !== LEGACY_VERSION) || !isValidKid(fields[1])) throw malformed();
  const version = fields[0] as SealedParts["version"];
  const [, kid, wrapIvText, wrappedKeyText, ivText, ciphertextText] = fields;
  const wrapIv = decodePart(wrapIvText, IV_BYTES);
  const wrappedKey = decodePart(wrappedKeyText, KEY_BYTES + TAG_BYTES);
  const iv = decodePart(ivText, IV_BYTES);
  const ciphertext = decodePart(ciphertextText);
  if (ciphertext.length < TAG_BYTES) throw malformed();
  return { version, kid, wrapIv, wrappedKey, iv, ciphertext, ivText, ciphertextText };
}

function decodePart(text: string, expectedBytes?: number): Buffer {
  if (!base64UrlPattern.test(text)) throw malformed();
  const bytes = Buffer.from(text, "base64url");
  // Only the canonical spelling is accepted, so every character of a sealed value matters.
  if (bytes.toString("base64url") !== text) throw malformed();
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) throw malformed();
  return bytes;
}

function malformed(): DecryptError {
  return new DecryptError("malformed", "Secret is not a well-formed sealed value");
}

/**
 * Associated data: a label, then each field as a 4-byte big-endian length and its UTF-8
 * bytes, so no two different contexts encode alike (("a|b","c") != ("a","b|c")).
 */
function encodeContext(label: string, ctx: SecretContext, kid?: string): Buffer {
  const bindings = (ctx.bindings ?? []).flatMap(([name, value]) => [name, value]);
  const fields = [label, ...(kid === undefined ? [] : [kid]), ctx.table, ctx.rowId, ctx.userId, ...bindings];
  const chunks: Buffer[] = [];
  for (const field of fields) {
    // Lone surrogates would all encode as U+FFFD and make distinct contexts collide.
    if (typeof field !== "string" || field.length === 0 || !field.isWellFormed()) {
      throw new TypeError("Secret context needs non-empty, well-formed table, rowId and userId");
    }
    const bytes = Buffer.from(field, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

function gcmSeal(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, iv: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // OpenSSL's reason adds nothing and must not be mistaken for a place to log secrets.
    throw new DecryptError("not_authentic", "Secret failed authentication: wrong key, wrong context, or altered");
  }
}
