/**
 * A small OAuth 1.0a provider on loopback, for tests (TESTING.md "OAuth 1.0a").
 *
 * Every signed request is verified with the independent `oauth-1.0a` package, never with
 * lib/oauth1, so the app's signer is checked by code we did not write. Protocol parameters
 * are accepted from the Authorization header, the query string or a form body (one place
 * per request, RFC 5849 §3.5). Only node:http is used.
 *
 *   POST /oauth/request_token   oauth_callback required → oauth_token, oauth_token_secret, oauth_callback_confirmed=true
 *   GET  /oauth/authorize       "Authorize test app?" page with Allow / Deny (a form POST to the same path)
 *   POST /oauth/authorize       Allow → 302 to the callback with oauth_token and oauth_verifier; Deny → 302 with denied=…
 *   POST /oauth/access_token    valid oauth_verifier required → oauth_token, oauth_token_secret, user_id, screen_name
 *   GET|POST /api/echo          → { ok, user, method, query, form, authorizationHeaderPresent }
 *
 * Bad signature, reused nonce, stale timestamp, unknown consumer or token → 401 with a text reason.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OAuth from "oauth-1.0a";

export type OAuth1ProviderRequest = { path: string; method: string; verified: boolean; reason?: string };

export type OAuth1Provider = {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  /** Every request received, in order; `verified` is true when its OAuth signature checked out. */
  requests: OAuth1ProviderRequest[];
  close(): Promise<void>;
};

export type OAuth1ProviderOptions = {
  port?: number;
  host?: string;
  /** Defaults are random, and contain characters that need RFC 5849 encoding. */
  consumerKey?: string;
  consumerSecret?: string;
  /** The user that "signs in" and clicks Allow. */
  user?: { id: string; screenName: string };
  /** Accepted clock skew for oauth_timestamp, seconds (default 300). */
  timestampWindowSeconds?: number;
};

type Pairs = Array<[string, string]>;

const MAX_BODY_BYTES = 1024 * 1024;

// --- encoding helpers, written here (not imported from lib/oauth1) to keep the peer independent ---

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function formDecode(value: string): string {
  const spaced = value.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape: decode what can be decoded, leave the rest.
    return spaced.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

function parseForm(text: string): Pairs {
  const out: Pairs = [];
  for (const piece of text.split("&")) {
    if (!piece) continue;
    const eq = piece.indexOf("=");
    out.push(eq < 0 ? [formDecode(piece), ""] : [formDecode(piece.slice(0, eq)), formDecode(piece.slice(eq + 1))]);
  }
  return out;
}

function toForm(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join("&");
}

/** `Authorization: OAuth k="v", …` → decoded pairs (realm dropped), or null if not OAuth. */
function parseOAuthHeader(header: string | undefined): Pairs | null {
  if (!header) return null;
  const m = /^\s*OAuth\s+([\s\S]*)$/i.exec(header);
  if (!m) return null;
  const out: Pairs = [];
  const re = /([^\s=,]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(m[1])) !== null) {
    if (match[0] === "") break;
    const name = match[1];
    const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "");
    if (name.toLowerCase() === "realm") continue;
    try {
      out.push([decodeURIComponent(name), decodeURIComponent(raw)]);
    } catch {
      return null;
    }
  }
  return out;
}

function group(pairs: Pairs): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { ...out };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type RequestToken = {
  secret: string;
  callback: string;
  verifier?: string;
  user?: { id: string; screenName: string };
};
type AccessToken = { secret: string; user: { id: string; screenName: string } };

export async function startOAuth1Provider(opts: OAuth1ProviderOptions = {}): Promise<OAuth1Provider> {
  const host = opts.host ?? "127.0.0.1";
  const consumerKey = opts.consumerKey ?? `ck-${randomBytes(6).toString("hex")}`;
  const consumerSecret = opts.consumerSecret ?? `cs !*'()~+&=/${randomBytes(6).toString("hex")}`;
  const user = opts.user ?? { id: "42", screenName: "test_user" };
  const window = opts.timestampWindowSeconds ?? 300;

  const requestTokens = new Map<string, RequestToken>();
  const accessTokens = new Map<string, AccessToken>();
  const usedNonces = new Set<string>();
  const requests: OAuth1ProviderRequest[] = [];

  type Verified = {
    oauth: Map<string, string>;
    query: Pairs;
    form: Pairs;
    authorizationHeaderPresent: boolean;
  };

  /** Collects the request's parameters and checks its signature with the `oauth-1.0a` package. */
  function verify(
    req: IncomingMessage,
    url: URL,
    rawBody: string,
    tokenSecretFor: (token: string | undefined) => string | undefined,
  ): Verified {
    const method = (req.method ?? "GET").toUpperCase();
    const rawQuery = url.search.startsWith("?") ? url.search.slice(1) : "";
    const query = parseForm(rawQuery);
    const isForm = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === "application/x-www-form-urlencoded";
    const form = isForm ? parseForm(rawBody) : [];
    const headerParams = parseOAuthHeader(req.headers.authorization);
    if (req.headers.authorization && /^\s*OAuth\b/i.test(req.headers.authorization) && !headerParams) {
      throw new Reject(400, "Malformed OAuth Authorization header");
    }

    // RFC 5849 §3.5: protocol parameters in one and only one place.
    const sources: Array<[string, Pairs]> = [
      ["header", headerParams ?? []],
      ["query", query.filter(([k]) => k.startsWith("oauth_"))],
      ["form", form.filter(([k]) => k.startsWith("oauth_"))],
    ];
    const used = sources.filter(([, p]) => p.length > 0);
    if (used.length === 0) throw new Reject(401, "Missing OAuth protocol parameters");
    if (used.length > 1)
      throw new Reject(400, `OAuth parameters found in more than one place (${used.map(([s]) => s).join(", ")})`);
    const oauth = new Map<string, string>();
    for (const [k, v] of used[0][1]) {
      if (oauth.has(k)) throw new Reject(400, `Duplicated protocol parameter ${k}`);
      oauth.set(k, v);
    }
    const all = [...query, ...form, ...(headerParams ?? [])];
    if (all.some(([k]) => k === "__proto__")) throw new Reject(400, "Unsupported parameter name");

    const signatureMethod = oauth.get("oauth_signature_method");
    const signature = oauth.get("oauth_signature");
    if (oauth.get("oauth_consumer_key") !== consumerKey) throw new Reject(401, "Unknown consumer key");
    if (!signature) throw new Reject(400, "Missing oauth_signature");
    if (signatureMethod !== "HMAC-SHA1" && signatureMethod !== "HMAC-SHA256" && signatureMethod !== "PLAINTEXT") {
      throw new Reject(400, `Unsupported signature method ${signatureMethod ?? "(none)"}`);
    }
    const version = oauth.get("oauth_version");
    if (version !== undefined && version !== "1.0") throw new Reject(400, "oauth_version must be 1.0");
    const timestamp = oauth.get("oauth_timestamp");
    const nonce = oauth.get("oauth_nonce");
    if (signatureMethod !== "PLAINTEXT" || timestamp !== undefined || nonce !== undefined) {
      if (!timestamp || !/^[1-9][0-9]*$/.test(timestamp)) throw new Reject(400, "Missing or invalid oauth_timestamp");
      if (Math.abs(Number(timestamp) - Date.now() / 1000) > window) throw new Reject(401, "Stale oauth_timestamp");
      if (!nonce) throw new Reject(400, "Missing oauth_nonce");
    }
    const token = oauth.get("oauth_token");
    const tokenSecret = tokenSecretFor(token);
    if (tokenSecret === undefined) throw new Reject(401, token ? "Unknown or expired token" : "A token is required");

    // Base string URI from the Host header (RFC 5849 §3.4.1.2): lowercase, no default port.
    const hostHeader = (req.headers.host ?? `${host}`).toLowerCase().replace(/:80$/, "");
    const baseUrl = `http://${hostHeader}${url.pathname}`;

    // The non-protocol parameters go to the library as decoded `data` (arrays for repeated
    // names) and the URL goes without its query: the library's own URL parser does not
    // decode parameter names and treats "+" literally, which RFC 5849 §3.4.1.3.1 does not allow.
    const data: Record<string, string | string[]> = Object.create(null);
    const oauthData: Record<string, string> = Object.create(null);
    for (const [k, v] of all) {
      if (k === "oauth_signature") continue;
      if (oauth.has(k) && oauth.get(k) === v && k.startsWith("oauth_")) {
        oauthData[k] = v;
        continue;
      }
      const prev = data[k];
      data[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }

    const lib = new OAuth({
      consumer: { key: consumerKey, secret: consumerSecret },
      signature_method: signatureMethod,
      hash_function(base: string, key: string) {
        if (signatureMethod === "PLAINTEXT") return key;
        return createHmac(signatureMethod === "HMAC-SHA256" ? "sha256" : "sha1", key)
          .update(base)
          .digest("base64");
      },
    });
    const expected = lib.getSignature({ url: baseUrl, method, data }, tokenSecret, oauthData as unknown as OAuth.Data);
    if (!sameSecret(expected, signature)) throw new Reject(401, "Invalid signature");

    if (nonce !== undefined) {
      const nonceKey = JSON.stringify([consumerKey, token ?? "", timestamp, nonce]);
      if (usedNonces.has(nonceKey)) throw new Reject(401, "Nonce already used");
      usedNonces.add(nonceKey);
    }
    return { oauth, query, form, authorizationHeaderPresent: headerParams !== null };
  }

  function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
    res.end(body);
  }

  function authorizePage(token: string): string {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize test app?</title></head>
<body>
<h1>Authorize test app?</h1>
<p>The test app wants to access your account <strong>${escapeHtml(user.screenName)}</strong>.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="${escapeHtml(token)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, entry: OAuth1ProviderRequest) {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    const method = (req.method ?? "GET").toUpperCase();
    const rawBody = method === "GET" || method === "HEAD" ? "" : await readBody(req);
    const path = url.pathname;

    if (path === "/oauth/request_token" && method === "POST") {
      const v = verify(req, url, rawBody, (token) => (token ? undefined : ""));
      entry.verified = true;
      const callback = v.oauth.get("oauth_callback");
      if (!callback) throw new Reject(400, "oauth_callback is required");
      if (callback !== "oob") {
        try {
          const cb = new URL(callback);
          if (cb.protocol !== "http:" && cb.protocol !== "https:") throw new Error();
        } catch {
          throw new Reject(400, "oauth_callback must be an absolute http(s) URL or oob");
        }
      }
      const token = `rt-${randomBytes(12).toString("hex")}`;
      const secret = `rts !*'()~${randomBytes(12).toString("hex")}`;
      requestTokens.set(token, { secret, callback });
      return send(
        res,
        200,
        "application/x-www-form-urlencoded",
        toForm({ oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: "true" }),
      );
    }

    if (path === "/oauth/authorize" && method === "GET") {
      const token = url.searchParams.get("oauth_token") ?? "";
      if (!requestTokens.has(token))
        return send(res, 400, "text/html; charset=utf-8", "<h1>Unknown or expired request token</h1>");
      return send(res, 200, "text/html; charset=utf-8", authorizePage(token));
    }

    if (path === "/oauth/authorize" && method === "POST") {
      const form = new Map(parseForm(rawBody));
      const token = form.get("oauth_token") ?? "";
      const pending = requestTokens.get(token);
      if (!pending) return send(res, 400, "text/html; charset=utf-8", "<h1>Unknown or expired request token</h1>");
      const allow = form.get("decision") === "allow";
      if (!allow) requestTokens.delete(token);
      else {
        pending.verifier = `v-${randomBytes(10).toString("hex")}`;
        pending.user = user;
      }
      if (pending.callback === "oob") {
        const text = allow ? `Your verification code is ${pending.verifier}` : "Access denied";
        return send(res, 200, "text/html; charset=utf-8", `<p>${escapeHtml(text)}</p>`);
      }
      // RFC 5849 §2.2: append to the callback's existing query.
      const cb = new URL(pending.callback);
      const extra = allow ? toForm({ oauth_token: token, oauth_verifier: pending.verifier! }) : toForm({ denied: token });
      cb.search = cb.search ? `${cb.search.slice(1)}&${extra}` : extra;
      res.writeHead(302, { location: cb.href, "cache-control": "no-store" });
      return res.end();
    }

    if (path === "/oauth/access_token" && method === "POST") {
      const v = verify(req, url, rawBody, (token) => (token ? requestTokens.get(token)?.secret : undefined));
      entry.verified = true;
      const token = v.oauth.get("oauth_token")!;
      const pending = requestTokens.get(token)!;
      if (!pending.verifier || !pending.user) throw new Reject(401, "Request token not authorized");
      if (!sameSecret(v.oauth.get("oauth_verifier") ?? "", pending.verifier)) throw new Reject(401, "Invalid oauth_verifier");
      requestTokens.delete(token); // single use (RFC 5849 §2)
      const access = `at-${randomBytes(12).toString("hex")}`;
      const secret = `ats !*'() ${randomBytes(12).toString("hex")}`;
      accessTokens.set(access, { secret, user: pending.user });
      return send(
        res,
        200,
        "application/x-www-form-urlencoded",
        toForm({
          oauth_token: access,
          oauth_token_secret: secret,
          user_id: pending.user.id,
          screen_name: pending.user.screenName,
        }),
      );
    }

    if (path === "/api/echo" && (method === "GET" || method === "POST")) {
      const v = verify(req, url, rawBody, (token) => (token ? accessTokens.get(token)?.secret : undefined));
      entry.verified = true;
      const who = accessTokens.get(v.oauth.get("oauth_token")!)!.user;
      return send(
        res,
        200,
        "application/json",
        JSON.stringify({
          ok: true,
          user: who.screenName,
          method,
          query: group(v.query),
          form: group(v.form),
          authorizationHeaderPresent: v.authorizationHeaderPresent,
        }),
      );
    }

    return send(res, 404, "text/plain; charset=utf-8", "Not found");
  }

  const server = createServer((req, res) => {
    const entry: OAuth1ProviderRequest = { path: (req.url ?? "/").split("?")[0], method: req.method ?? "GET", verified: false };
    requests.push(entry);
    handle(req, res, entry).catch((err: unknown) => {
      const status = err instanceof Reject ? err.status : 500;
      const reason = err instanceof Error ? err.message : "Internal error";
      entry.reason = reason;
      if (res.headersSent) return res.end();
      send(res, status, "text/plain; charset=utf-8", reason, status === 401 ? { "www-authenticate": 'OAuth realm="test"' } : {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" || host.includes(":") ? `[${address.address}]` : host;

  return {
    url: `http://${hostPart}:${address.port}`,
    consumerKey,
    consumerSecret,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
