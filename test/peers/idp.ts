/**
 * A real OAuth 2 / OpenID provider (panva's certified `oidc-provider`) started on
 * loopback, for integration and end-to-end tests. See TESTING.md "oidc-provider".
 *
 * - devInteractions (login + consent pages), client credentials, introspection and
 *   revocation are enabled; PKCE (S256) is required of every client.
 * - Clients allowed the refresh_token grant get a refresh token with every
 *   authorization code (no `offline_access` + prompt=consent dance needed).
 * - Refresh tokens rotate on every use unless `rotateRefreshToken: false`; reusing a
 *   rotated one answers `invalid_grant` and revokes the whole grant.
 * - Unknown scope values are refused with `invalid_scope` (see `strictScopes`).
 * - `counters` counts token endpoint requests (total and per grant_type, failures
 *   included) and revocation requests, so tests can prove a call happened (or did
 *   not, e.g. single-flight refresh).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
// oidc-provider ships no type declarations (types/oidc-provider.d.ts); the few members used here are typed below.
import ProviderModule from "oidc-provider";

export type IdpClient = {
  client_id: string;
  client_secret: string;
  redirect_uris?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post";
  /** Optional allow-list of scopes for this client (oidc-provider's `scope` client metadata). */
  scope?: string;
};

export type StartIdpOptions = {
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
  clients: IdpClient[];
  /** API scopes offered besides `openid` and `offline_access`; default `["read", "write"]`. */
  scopes?: string[];
  /** Lifetime of access tokens and client-credentials tokens, seconds; default 3600. */
  accessTokenTtl?: number;
  /** Lifetime of refresh tokens, seconds; default 14 days. */
  refreshTokenTtl?: number;
  /** Rotate the refresh token on every refresh; default true. */
  rotateRefreshToken?: boolean;
  /**
   * Refuse scope values the provider does not know with `invalid_scope`, at the
   * authorization endpoint (redirect to the client) and at the token endpoint, the
   * way most public providers do. Default true. Stock oidc-provider (false) ignores
   * unknown scopes instead: an authorization request left with no known scope ends in
   * `access_denied`, and a client-credentials token is issued without any scope.
   */
  strictScopes?: boolean;
  /**
   * Put the user's claims (email, email_verified, name) in the ID token, as sign-in providers
   * do, rather than only at the userinfo endpoint (oidc-provider's conformIdTokenClaims).
   */
  idTokenClaims?: boolean;
};

export type IdpCounters = {
  /** Every POST to the token endpoint, whatever its outcome. */
  token: number;
  /** Every POST to the revocation endpoint. */
  revocation: number;
  /** Token endpoint requests per `grant_type` ("unknown" when it could not be read). */
  byGrant: Record<string, number>;
};

export type Idp = {
  /** The issuer identifier, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  issuer: string;
  /** Base URL of the provider (same as the issuer). */
  url: string;
  /** Well-known endpoint URLs, for tests that configure endpoints by hand. */
  endpoints: {
    authorization: string;
    token: string;
    revocation: string;
    introspection: string;
    userinfo: string;
  };
  counters: IdpCounters;
  /** Resets all counters to zero. */
  resetCounters(): void;
  /** While on, every refresh_token request is answered `invalid_grant`, as a provider that revoked the grant does. */
  refuseRefreshes(refuse: boolean): void;
  close(): Promise<void>;
};

type KoaContext = {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  req: http.IncomingMessage & { body?: unknown };
  status: number;
  body: unknown;
  is(type: string): string | false | null;
  set(field: string, value: string): void;
  redirect(url: string): void;
  oidc?: { params?: Record<string, unknown> };
};
type KoaNext = () => Promise<void>;
type ProviderInstance = {
  proxy: boolean;
  use(middleware: (ctx: KoaContext, next: KoaNext) => Promise<void>): void;
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
};
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

const Provider = ProviderModule as unknown as ProviderConstructor;

const AUTHORIZATION_PATH = "/auth";
const TOKEN_PATH = "/token";
const REVOCATION_PATH = "/token/revocation";
const INTROSPECTION_PATH = "/token/introspection";

export async function startIdp(opts: StartIdpOptions): Promise<Idp> {
  const apiScopes = opts.scopes ?? ["read", "write"];
  const accessTokenTtl = opts.accessTokenTtl ?? 3600;
  const refreshTokenTtl = opts.refreshTokenTtl ?? 14 * 24 * 3600;
  const rotate = opts.rotateRefreshToken ?? true;

  // The issuer must contain the port, so listen first and attach the provider after.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris ?? [],
      grant_types: c.grant_types ?? ["authorization_code", "refresh_token"],
      response_types: (c.grant_types ?? ["authorization_code"]).includes("authorization_code") ? ["code"] : [],
      token_endpoint_auth_method: c.token_endpoint_auth_method ?? "client_secret_basic",
      ...(c.scope ? { scope: c.scope } : {}),
    })),
    scopes: ["openid", "offline_access", ...apiScopes],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    ...(opts.idTokenClaims ? { conformIdTokenClaims: false } : {}),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => rotate,
    ttl: {
      AccessToken: () => accessTokenTtl,
      ClientCredentials: () => accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: () => refreshTokenTtl,
      Interaction: 3600,
      Session: 3600,
      Grant: refreshTokenTtl,
    },
    cookies: { keys: ["connections-test-idp-cookie-key-1", "connections-test-idp-cookie-key-2"] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@idp.test`, email_verified: true, name: sub }),
    }),
    // A small, predictable error page (the default one is styled HTML).
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>oops</title><h1>${escapeHtml(out.error ?? "error")}</h1><p>${escapeHtml(
        out.error_description ?? "",
      )}</p>`;
    },
  });

  const counters: IdpCounters = { token: 0, revocation: 0, byGrant: {} };
  const knownScopes = new Set(["openid", "offline_access", ...apiScopes]);
  const unknownScopes = (scope: string) => scope.split(" ").filter((s) => s !== "" && !knownScopes.has(s));
  const strict = opts.strictScopes ?? true;
  let refusingRefreshes = false;

  provider.use(async (ctx, next) => {
    let grantType: string | undefined;
    try {
      if (ctx.method === "POST" && ctx.path === TOKEN_PATH && ctx.is("application/x-www-form-urlencoded")) {
        // Read the body here (oidc-provider then uses req.body) to see grant_type and scope.
        const raw = await readBody(ctx.req);
        ctx.req.body = raw;
        const form = new URLSearchParams(raw);
        grantType = form.get("grant_type") ?? undefined;
        if (refusingRefreshes && grantType === "refresh_token") {
          ctx.status = 400;
          ctx.set("cache-control", "no-store");
          ctx.body = { error: "invalid_grant", error_description: "grant request is invalid" };
          return;
        }
        const scope = form.get("scope");
        if (strict && scope !== null && unknownScopes(scope).length) {
          ctx.status = 400;
          ctx.set("cache-control", "no-store");
          ctx.body = { error: "invalid_scope", error_description: `unknown scope: ${unknownScopes(scope).join(" ")}` };
          return;
        }
      }
      if (strict && ctx.method === "GET" && ctx.path === AUTHORIZATION_PATH) {
        const refusal = strictAuthorizationRefusal(ctx.query);
        if (refusal) {
          ctx.redirect(refusal);
          return;
        }
      }
      await next();
    } finally {
      if (ctx.method === "POST" && ctx.path === TOKEN_PATH) {
        counters.token += 1;
        const seen = ctx.oidc?.params?.grant_type;
        const key = grantType || (typeof seen === "string" && seen) || "unknown";
        counters.byGrant[key] = (counters.byGrant[key] ?? 0) + 1;
      } else if (ctx.method === "POST" && ctx.path === REVOCATION_PATH) {
        counters.revocation += 1;
      }
    }
  });

  /** Where to send the browser when an authorization request asks for unknown scopes. */
  function strictAuthorizationRefusal(query: KoaContext["query"]): string | null {
    const one = (k: string) => (typeof query[k] === "string" ? (query[k] as string) : undefined);
    const scope = one("scope");
    const clientId = one("client_id");
    const redirectUri = one("redirect_uri");
    if (scope === undefined || !clientId || !redirectUri) return null;
    const client = opts.clients.find((c) => c.client_id === clientId);
    // Only a registered client and an exactly registered redirect_uri may be redirected to;
    // anything else is left to oidc-provider, which renders its error page.
    if (!client || !(client.redirect_uris ?? []).includes(redirectUri)) return null;
    const unknown = unknownScopes(scope);
    if (!unknown.length) return null;
    const target = new URL(redirectUri);
    target.searchParams.set("error", "invalid_scope");
    target.searchParams.set("error_description", `unknown scope: ${unknown.join(" ")}`);
    const state = one("state");
    if (state !== undefined) target.searchParams.set("state", state);
    target.searchParams.set("iss", issuer);
    return target.href;
  }
  // Genuine provider crashes (not protocol errors) should be visible in test output.
  provider.on("server_error", (...args: unknown[]) => {
    console.error("[idp] server_error", args[1]);
  });

  server.on("request", provider.callback());

  return {
    issuer,
    url: issuer,
    endpoints: {
      authorization: `${issuer}${AUTHORIZATION_PATH}`,
      token: `${issuer}${TOKEN_PATH}`,
      revocation: `${issuer}${REVOCATION_PATH}`,
      introspection: `${issuer}${INTROSPECTION_PATH}`,
      userinfo: `${issuer}/me`,
    },
    counters,
    resetCounters() {
      counters.token = 0;
      counters.revocation = 0;
      counters.byGrant = {};
    },
    refuseRefreshes(refuse) {
      refusingRefreshes = refuse;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Drives oidc-provider's dev interaction pages (login, then consent) with plain
 * HTTP, keeping the provider's cookies by hand, starting at `authorizeUrl`.
 * Returns the URL the provider finally redirects the browser to (the client's
 * redirect_uri with `code`/`state`/`iss`, or with `error` ...).
 *
 * `login` is the account id typed into the login form (any value signs in).
 * With `deny: true` the interaction is aborted instead, which makes the provider
 * answer `error=access_denied`.
 */
export async function completeLoginAndConsentWithFetch(
  authorizeUrl: string | URL,
  login: string,
  options: { deny?: boolean; maxSteps?: number } = {},
): Promise<URL> {
  const start = new URL(authorizeUrl);
  const origin = start.origin;
  const jar = new Map<string, string>();
  const maxSteps = options.maxSteps ?? 20;

  let request: { url: URL; method: "GET" | "POST"; body?: URLSearchParams } = { url: start, method: "GET" };
  for (let step = 0; step < maxSteps; step += 1) {
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (request.body) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    storeCookies(jar, res.headers);

    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw new Error(`IdP redirect without Location at ${request.url.pathname}`);
      const next = new URL(location, request.url);
      if (next.origin !== origin) return next; // left the provider: this is the redirect_uri
      request = { url: next, method: "GET" };
      continue;
    }

    const html = await res.text();
    if (res.status !== 200) {
      throw new Error(`IdP answered ${res.status} at ${request.url.pathname}: ${stripTags(html).slice(0, 300)}`);
    }
    const form = parseForm(html, request.url);
    if (!form) throw new Error(`IdP page at ${request.url.pathname} has no form: ${stripTags(html).slice(0, 300)}`);
    const prompt = form.fields.get("prompt");

    if (options.deny) {
      request = { url: new URL(`${request.url.pathname.replace(/\/$/, "")}/abort`, request.url), method: "GET" };
      continue;
    }
    if (prompt === "login") {
      form.fields.set("login", login);
      form.fields.set("password", "any-password");
    } else if (prompt !== "consent") {
      throw new Error(`IdP page at ${request.url.pathname} has an unknown prompt ${String(prompt)}`);
    }
    request = { url: form.action, method: "POST", body: new URLSearchParams([...form.fields]) };
  }
  throw new Error(`IdP interaction did not finish within ${maxSteps} steps`);
}

function storeCookies(jar: Map<string, string>, headers: Headers): void {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [k, v = ""] = a.split("=").map((x) => x.trim());
      if (k.toLowerCase() === "max-age") return Number(v) <= 0;
      if (k.toLowerCase() === "expires") return Date.parse(v) <= Date.now();
      return false;
    });
    if (expired || value === "") jar.delete(name);
    else jar.set(name, value);
  }
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function parseForm(html: string, base: URL): { action: URL; fields: Map<string, string> } | null {
  const formMatch = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) return null;
  const actionMatch = /\baction="([^"]*)"/i.exec(formMatch[1]);
  const action = new URL(decodeEntities(actionMatch?.[1] ?? base.href), base);
  const fields = new Map<string, string>();
  for (const input of formMatch[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input[1])?.[1];
    if (!name) continue;
    const value = /\bvalue="([^"]*)"/i.exec(input[1])?.[1] ?? "";
    fields.set(decodeEntities(name), decodeEntities(value));
  }
  return { action, fields };
}

function stripTags(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
