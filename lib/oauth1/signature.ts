import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { parseFormEncoded, percentDecode, percentEncode } from "@/lib/http/form";
import { OAuth1Error } from "./errors";

export type SignatureMethod = "HMAC-SHA1" | "HMAC-SHA256" | "PLAINTEXT";
export const signatureMethods: readonly SignatureMethod[] = ["HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"];

/** The protocol parameters signRequest sets itself; `extraOAuthParams` may not override them. */
const RESERVED_OAUTH_PARAMS = new Set([
  "oauth_consumer_key",
  "oauth_token",
  "oauth_signature_method",
  "oauth_timestamp",
  "oauth_nonce",
  "oauth_version",
  "oauth_signature",
]);

function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new OAuth1Error("invalid_request", "The request URL is not a valid absolute URL.");
  }
}

/**
 * RFC 5849 §3.4.1.2 base string URI: scheme and host in lowercase, the port only when it is
 * not the scheme's default, the path, and no query or fragment. The URL is parsed by the
 * WHATWG URL parser, the same one `fetch` uses, so the path is exactly the one sent on the
 * wire (dot segments resolved, characters such as spaces already %-encoded).
 */
export function baseStringUri(url: string | URL): string {
  const u = parseUrl(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new OAuth1Error("invalid_request", "OAuth 1.0a requests must use an http or https URL.");
  }
  // WHATWG already lowercases scheme and host and drops :80 / :443; say so explicitly anyway.
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  const defaultPort = scheme === "https" ? "443" : "80";
  const port = u.port && u.port !== defaultPort ? `:${u.port}` : "";
  return `${scheme}://${u.hostname.toLowerCase()}${port}${u.pathname}`;
}

/** The decoded name/value pairs of a URL's query component (form decoding, "+" is space). */
export function queryParams(url: string | URL): Array<[string, string]> {
  const u = parseUrl(url);
  return parseFormEncoded(u.search.startsWith("?") ? u.search.slice(1) : u.search);
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * RFC 5849 §3.4.1.3.2: encode every name and value, sort by encoded name then encoded value
 * (byte order: encoded strings are ASCII, so UTF-16 order is byte order), keep duplicates,
 * join as `name=value` with "&". `oauth_signature` is left out wherever it came from.
 */
export function normalizeParameters(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .filter(([name]) => name !== "oauth_signature")
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort((a, b) => compareAscii(a[0], b[0]) || compareAscii(a[1], b[1]))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/**
 * RFC 5849 §3.4.1.1 signature base string.
 *
 * `params` are the parameters that do not travel in the URL: the decoded form body (only
 * when the request is `application/x-www-form-urlencoded`) and the protocol parameters
 * (from the Authorization header without `realm`, or wherever they are sent). The URL's
 * query parameters are read from `url` itself and added here, so pass protocol parameters
 * in `params` only if they are not already in the URL. `oauth_signature` is ignored.
 */
export function signatureBaseString(method: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const all: Array<readonly [string, string]> = [...queryParams(url), ...params];
  return [percentEncode(method.toUpperCase()), percentEncode(baseStringUri(url)), percentEncode(normalizeParameters(all))].join(
    "&",
  );
}

/** RFC 5849 §3.4.2 / §3.4.4: encoded client secret, "&" (always), encoded token secret. */
export function signingKey(consumerSecret: string, tokenSecret = ""): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
}

/** The `oauth_signature` value for a base string (unused by PLAINTEXT, whose signature is the key). */
export function computeSignature(
  signatureMethod: SignatureMethod,
  baseString: string,
  consumerSecret: string,
  tokenSecret = "",
): string {
  const key = signingKey(consumerSecret, tokenSecret);
  switch (signatureMethod) {
    case "HMAC-SHA1":
      return createHmac("sha1", key).update(baseString, "utf8").digest("base64");
    case "HMAC-SHA256":
      return createHmac("sha256", key).update(baseString, "utf8").digest("base64");
    case "PLAINTEXT":
      return key;
    default:
      throw new OAuth1Error("invalid_request", `Unsupported signature method ${String(signatureMethod)}.`);
  }
}

export type SignRequestInput = {
  method: string;
  /** Absolute URL, query included: its query parameters are signed. */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  /** Token identifier; omitted (RFC 5849 §2.1) when undefined or empty. */
  token?: string;
  /** Token shared-secret; "" when there is none (the temporary credentials request). */
  tokenSecret?: string;
  /** The decoded form body, when the request is sent as application/x-www-form-urlencoded. */
  bodyParams?: ReadonlyArray<readonly [string, string]>;
  /** Default HMAC-SHA1. */
  signatureMethod?: SignatureMethod;
  /** Further protocol parameters, e.g. `oauth_callback`, `oauth_verifier`. */
  extraOAuthParams?: Record<string, string>;
  /** Fixed nonce (tests); default 32 random hex characters. */
  nonce?: string;
  /** Fixed timestamp in seconds (tests); default now. */
  timestamp?: string;
  /** Only for the Authorization header (`authorization` in the result); never signed. */
  realm?: string;
  /** Send `oauth_version="1.0"` (OPTIONAL in RFC 5849 §3.1, expected by many providers). Default true. */
  includeVersion?: boolean;
};

export type SignedOAuthParams = {
  /** Protocol parameters in sending order, `oauth_signature` last. */
  oauthParams: Array<[string, string]>;
  signature: string;
  baseString: string;
  /** `OAuth realm="…", oauth_consumer_key="…", …`, ready for the Authorization header. */
  authorization: string;
};

export function generateNonce(): string {
  return randomBytes(16).toString("hex");
}

export function currentTimestamp(): string {
  return String(Math.floor(Date.now() / 1000));
}

/**
 * Computes the protocol parameters and signature of a request (RFC 5849 §3.1, §3.4).
 * Signs the URL's query parameters, `bodyParams` and the protocol parameters.
 */
export function signRequest(input: SignRequestInput): SignedOAuthParams {
  const signatureMethod = input.signatureMethod ?? "HMAC-SHA1";
  if (!signatureMethods.includes(signatureMethod)) {
    throw new OAuth1Error("invalid_request", `Unsupported signature method ${String(signatureMethod)}.`);
  }
  const timestamp = input.timestamp ?? currentTimestamp();
  if (!/^[1-9][0-9]*$/.test(timestamp)) {
    throw new OAuth1Error("invalid_request", "oauth_timestamp must be a positive integer (RFC 5849 §3.3).");
  }
  const oauthParams: Array<[string, string]> = [["oauth_consumer_key", input.consumerKey]];
  if (input.token !== undefined && input.token !== "") oauthParams.push(["oauth_token", input.token]);
  oauthParams.push(
    ["oauth_signature_method", signatureMethod],
    ["oauth_timestamp", timestamp],
    ["oauth_nonce", input.nonce ?? generateNonce()],
  );
  if (input.includeVersion ?? true) oauthParams.push(["oauth_version", "1.0"]);
  for (const [name, value] of Object.entries(input.extraOAuthParams ?? {})) {
    if (RESERVED_OAUTH_PARAMS.has(name)) {
      throw new OAuth1Error("invalid_request", `${name} is set by the signer and cannot be passed as an extra parameter.`);
    }
    oauthParams.push([name, value]);
  }

  const baseString = signatureBaseString(input.method, input.url, [...(input.bodyParams ?? []), ...oauthParams]);
  const signature = computeSignature(signatureMethod, baseString, input.consumerSecret, input.tokenSecret ?? "");
  oauthParams.push(["oauth_signature", signature]);
  return { oauthParams, signature, baseString, authorization: authorizationHeader(oauthParams, input.realm) };
}

function quoteRealm(realm: string): string {
  // RFC 2617 quoted-string: the realm is not percent-encoded, only `"` and `\` are escaped.
  return `"${realm.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 5849 §3.5.1: `OAuth realm="…", name="value", …` with names and values percent-encoded. */
export function authorizationHeader(oauthParams: ReadonlyArray<readonly [string, string]>, realm?: string): string {
  const parts = oauthParams.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`);
  if (realm !== undefined) parts.unshift(`realm=${quoteRealm(realm)}`);
  return `OAuth ${parts.join(", ")}`;
}

/**
 * Parses an `Authorization: OAuth …` header (RFC 5849 §3.5.1) into decoded parameters and
 * the realm. Returns null when the scheme is not OAuth or the header is malformed.
 */
export function parseAuthorizationHeader(header: string): { params: Array<[string, string]>; realm?: string } | null {
  const match = /^\s*OAuth(?:\s+([\s\S]*))?$/i.exec(header);
  if (!match) return null;
  const rest = match[1] ?? "";
  const params: Array<[string, string]> = [];
  let realm: string | undefined;
  let i = 0;
  const skip = (re: RegExp) => {
    while (i < rest.length && re.test(rest[i])) i++;
  };
  while (i < rest.length) {
    skip(/[\s,]/);
    if (i >= rest.length) break;
    const nameMatch = /^[^\s=,"]+/.exec(rest.slice(i));
    if (!nameMatch) return null;
    const name = nameMatch[0];
    i += name.length;
    skip(/\s/);
    if (rest[i] !== "=") return null;
    i++;
    skip(/\s/);
    let raw = "";
    if (rest[i] === '"') {
      i++;
      let closed = false;
      while (i < rest.length) {
        const c = rest[i++];
        if (c === "\\" && i < rest.length) raw += rest[i++];
        else if (c === '"') {
          closed = true;
          break;
        } else raw += c;
      }
      if (!closed) return null;
    } else {
      const token = /^[^\s,]*/.exec(rest.slice(i))?.[0] ?? "";
      raw = token;
      i += token.length;
    }
    if (name.toLowerCase() === "realm") realm = raw;
    else params.push([percentDecode(name), percentDecode(raw)]);
  }
  return { params, realm };
}
