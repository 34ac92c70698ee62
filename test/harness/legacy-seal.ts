/**
 * A v1 sealed value, built here from the format's description (docs/architecture.md
 * "Secrets") rather than by the app, as values stored before the v2 binding look:
 * `v1.<kid>.<wrapIv>.<wrappedKey+tag>.<iv>.<ciphertext+tag>`, AES-256-GCM, associated data
 * = label, then table, row and user, each as a 4-byte big-endian length and UTF-8 bytes.
 */
import { createCipheriv, randomBytes } from "node:crypto";

function aad(label: string, fields: string[]): Buffer {
  const chunks: Buffer[] = [];
  for (const field of [label, ...fields]) {
    const bytes = Buffer.from(field, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

function seal(key: Buffer, iv: Buffer, plaintext: Buffer, associated: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(associated);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function sealLegacyV1(
  plaintext: string,
  ctx: { table: string; rowId: string; userId: string },
  kid: string,
  keyBase64: string,
): string {
  const kek = Buffer.from(keyBase64, "base64");
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const wrapIv = randomBytes(12);
  const fields = [ctx.table, ctx.rowId, ctx.userId];
  const ciphertext = seal(dataKey, iv, Buffer.from(plaintext, "utf8"), aad("connections/secret/content/v1", fields));
  const wrapped = seal(kek, wrapIv, dataKey, aad("connections/secret/data-key/v1", [kid, ...fields]));
  const b64 = (b: Buffer) => b.toString("base64url");
  return ["v1", kid, b64(wrapIv), b64(wrapped), b64(iv), b64(ciphertext)].join(".");
}
