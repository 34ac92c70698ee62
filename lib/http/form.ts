/**
 * Form and query encodings, for OAuth 1.0a (RFC 5849), OAuth 2 requests and invoke bodies.
 *
 * Two different encodings meet here and must not be confused:
 * - RFC 5849 §3.6 percent-encoding: every octet outside ALPHA / DIGIT / "-" / "." / "_" / "~"
 *   is written as %XX with uppercase hex. Used for the signature base string, the signing
 *   key, the Authorization header, and (because it is also valid form encoding) for every
 *   query string and form body this module writes.
 * - application/x-www-form-urlencoded decoding (W3C HTML 4.0 §17.13.4, and the WHATWG URL
 *   standard's parser): "+" means space and %XX are octets of UTF-8. Used to read the query
 *   component, form bodies and token responses, as RFC 5849 §3.4.1.3.1 requires.
 */

const HEX = "0123456789ABCDEF";
const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const utf8Encoder = new TextEncoder();
/** Not fatal: malformed UTF-8 becomes U+FFFD, the way a browser or server form parser reads it. */
const utf8Decoder = new TextDecoder("utf-8");

function isUnreservedByte(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x2e || // .
    b === 0x5f || // _
    b === 0x7e // ~
  );
}

/**
 * RFC 5849 §3.6: UTF-8, then %XX (uppercase) for everything but the unreserved set.
 * Unlike `encodeURIComponent`, this also encodes `!`, `*`, `'`, `(` and `)`.
 * A lone UTF-16 surrogate (not valid text) is encoded as U+FFFD.
 */
export function percentEncode(value: string): string {
  if (ALL_UNRESERVED.test(value)) return value;
  let out = "";
  for (const b of utf8Encoder.encode(value)) {
    out += isUnreservedByte(b) ? String.fromCharCode(b) : "%" + HEX[b >> 4] + HEX[b & 0x0f];
  }
  return out;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Percent-decodes to UTF-8 text. `%XX` with valid hex becomes that octet; anything else
 * (including a stray `%`) stays as it is. With `plusIsSpace`, `+` is a space (form decoding).
 */
export function percentDecode(value: string, plusIsSpace = false): string {
  if (!value.includes("%") && !(plusIsSpace && value.includes("+"))) return value;
  const bytes = utf8Encoder.encode(value);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && b === 0x2b ? 0x20 : b;
  }
  return utf8Decoder.decode(out.subarray(0, n));
}

/**
 * Parses an application/x-www-form-urlencoded string (a form body, or a URL query without
 * its leading "?") into decoded name/value pairs, in order, duplicates kept. A pair without
 * "=" has an empty value (RFC 5849 §3.4.1.3.1: "c2" means c2=""); empty pieces between
 * "&&" are skipped.
 */
export function parseFormEncoded(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (text === "") return pairs;
  for (const piece of text.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? "" : piece.slice(eq + 1);
    pairs.push([percentDecode(name, true), percentDecode(value, true)]);
  }
  return pairs;
}

/**
 * Serializes pairs as `name=value&…` with RFC 5849 §3.6 encoding. The result is valid
 * application/x-www-form-urlencoded (and a valid URL query) and decodes back to exactly the
 * same pairs, so a server reads precisely what was signed.
 */
export function serializeForm(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join("&");
}

export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/** True for `application/x-www-form-urlencoded`, with or without parameters such as charset. */
export function isFormContentType(contentType: string | undefined | null): boolean {
  if (!contentType) return false;
  return contentType.split(";")[0].trim().toLowerCase() === FORM_CONTENT_TYPE;
}

/**
 * Appends an already-encoded `a=1&b=2` to a URL's query, leaving what is there byte for
 * byte (RFC 5849 §3.5.3: protocol parameters follow the request-specific ones).
 */
export function appendQuery(url: string, encoded: string): string {
  const extra = encoded.replace(/^[?&]+/, "");
  if (!extra) return url;
  const u = new URL(url);
  const existing = u.search.startsWith("?") ? u.search.slice(1) : u.search;
  u.search = existing ? `${existing}&${extra}` : extra;
  return u.href;
}
