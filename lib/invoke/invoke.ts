import "server-only";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { isHostAllowed, isUrlAllowed } from "@/lib/catalog";
import { credentialUserFor, serviceRefOf, type ConnectionRow } from "@/lib/connections/access";
import { openCredential, type CredentialRow } from "@/lib/credentials/credentials";
import { env } from "@/lib/env";
import { DomainError, Invalid, NeedsReauth, NotFound } from "@/lib/errors";
import type { Resolver } from "@/lib/http/dispatcher";
import { OutboundBlockedError, OutboundError, OutboundTimeoutError, OutboundTooLargeError } from "@/lib/http/errors";
import { guardedRequest, type GuardedResponse } from "@/lib/http/guarded-request";
import { OAuth1Error } from "@/lib/oauth1/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { loadServiceClient, resolveService } from "@/lib/services/resolve";
import { withoutHeaders } from "@/lib/http/headers";
import { buildRequest, type PreparedRequest } from "./build-request";
import {
  fromOutboundError,
  HostNotAllowed,
  InvokeError,
  needsReauthMessage,
  NotAuthorizedByYou,
  notAuthorizedByYouMessage,
  NotConnected,
  notConnectedMessage,
} from "./errors";
import { injectCredential, type InjectableCredential } from "./inject";
import { isClientCredentials, TokenManager, type AccessToken, type TokenContext } from "./refresh";
import { invokeRequestSchema, type InvokeDetailedResponse, type InvokeRequestInput } from "@/lib/validation/invoke";

/** The upstream answer, unchanged: status, headers (lower-cased names, repeats kept) and raw body bytes. */
export type UpstreamResponse = { status: number; headers: Array<[string, string]>; body: Buffer };

export type InvokeResult =
  | ({ kind: "upstream" } & UpstreamResponse)
  | { kind: "detailed"; detailed: InvokeDetailedResponse };

export type InvokeEngineOptions = {
  /** Whole upstream exchange (redirects and the one retry included); default CONNECTIONS_INVOKE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Response body cap; default CONNECTIONS_INVOKE_MAX_BYTES. */
  maxResponseBytes?: number;
  /** Each token endpoint request; default min(timeout, 15 s). */
  tokenTimeoutMs?: number;
  maxRedirects?: number;
  /** Default CONNECTIONS_ALLOW_PRIVATE_NETWORK. */
  allowPrivateNetwork?: boolean;
  /** DNS for upstream calls (tests); the SSRF policy still applies to its answers. */
  resolve?: Resolver;
};

export interface InvokeEngine {
  invoke(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];
const DEFAULT_MAX_REDIRECTS = 5;
/** "Last used" is written at most this often per credential and process. */
const LAST_USED_MIN_INTERVAL_MS = 1_000;

type Loaded = { connection: ConnectionRow; credential: CredentialRow | undefined };

/**
 * The connection with this link name in the actor's organization, and the credential a call
 * by the actor uses (SPEC.md §5): the caller's on a shared connection, else the owner's,
 * whoever in the organization calls. Other organizations' connections do not exist here.
 */
function prepareLoadForCall(db: Db) {
  return db
    .select({ connection: connections, credential: credentials })
    .from(connections)
    .leftJoin(
      credentials,
      and(
        eq(credentials.connectionId, connections.id),
        eq(
          credentials.userId,
          sql`case when ${connections.useLoginUserCredentials} then ${sql.placeholder("actorId")}::uuid else ${connections.ownerId} end`,
        ),
      ),
    )
    .where(and(eq(connections.orgId, sql.placeholder("orgId")), eq(connections.linkName, sql.placeholder("linkName"))))
    .limit(1)
    .prepare("connections_load_for_call");
}
// Prepared once per database: this query runs on every call.
const loadForCallStatements = new WeakMap<Db, ReturnType<typeof prepareLoadForCall>>();

async function loadForCall(db: Db, actor: Actor, linkName: string): Promise<Loaded> {
  let statement = loadForCallStatements.get(db);
  if (!statement) loadForCallStatements.set(db, (statement = prepareLoadForCall(db)));
  const rows = await statement.execute({ actorId: actor.id, orgId: actor.orgId, linkName });
  const row = rows[0];
  if (!row) throw new NotFound(`There is no connection with the link name "${linkName}" in your organization`);
  return { connection: row.connection, credential: row.credential ?? undefined };
}

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** The body as text, content encoding undone (bounded like the body itself). */
function decodeText(response: UpstreamResponse, maxBytes: number): string {
  const encoding = (headerValue(response.headers, "content-encoding") ?? "").trim().toLowerCase();
  let bytes = response.body;
  try {
    if (encoding === "gzip" || encoding === "x-gzip") bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    else if (encoding === "deflate") bytes = inflateSync(bytes, { maxOutputLength: maxBytes });
    else if (encoding === "br") bytes = brotliDecompressSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new InvokeError("response_too_large", 502, `The decoded response is larger than ${maxBytes} bytes.`);
    }
    // Undecodable: show the bytes as they came.
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(headerValue(response.headers, "content-type") ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** `{ responseCode, responseHeader, responseText }` of Deluge's `detailed: true`. */
export function detailedResponse(response: UpstreamResponse, maxBytes: number): InvokeDetailedResponse {
  const responseHeader: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    responseHeader[name] = name in responseHeader ? `${responseHeader[name]}, ${value}` : value;
  }
  return { responseCode: response.status, responseHeader, responseText: decodeText(response, maxBytes) };
}

// Hop-by-hop (RFC 9110 §7.6.1) and what the upstream may not set on our origin.
const NOT_PASSED_ON = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "content-length",
  "set-cookie",
  "clear-site-data",
  "strict-transport-security",
  "alt-svc",
  "content-security-policy",
  "content-security-policy-report-only",
  // Ours only: marks the app's own errors (the SDK tells them from upstream answers by it).
  "x-connections-error",
]);

/**
 * The HTTP answer of `POST /api/v1/invoke` for a result: the upstream status, headers and
 * bytes as they came, except hop-by-hop headers and those that would act on our own origin
 * (cookies, CORS, HSTS, CSP, Clear-Site-Data); the body is sandboxed so that HTML from an
 * API never runs as our page. `detailed` answers JSON.
 */
export function invokeResultToResponse(result: InvokeResult): Response {
  if (result.kind === "detailed") return Response.json(result.detailed);
  const headers = new Headers();
  for (const [name, value] of result.headers) {
    if (NOT_PASSED_ON.has(name) || name.startsWith("access-control-")) continue;
    headers.append(name, value);
  }
  headers.set("content-security-policy", "sandbox");
  headers.set("x-content-type-options", "nosniff");
  const nullBody = result.status === 204 || result.status === 304 || (result.status >= 100 && result.status < 200);
  return new Response(nullBody ? null : new Uint8Array(result.body), { status: result.status, headers });
}

function hostList(hosts: readonly string[]): string {
  return hosts.length ? hosts.join(", ") : "none configured";
}

export function createInvokeEngine(options: InvokeEngineOptions = {}): InvokeEngine {
  const tokens = new TokenManager({ tokenTimeoutMs: options.tokenTimeoutMs });
  const lastUsedWrites = new Map<string, number>();

  const settings = () => {
    const e = env();
    return {
      timeoutMs: options.timeoutMs ?? e.CONNECTIONS_INVOKE_TIMEOUT_MS,
      maxBytes: options.maxResponseBytes ?? e.CONNECTIONS_INVOKE_MAX_BYTES,
      maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
      allowPrivateNetwork: options.allowPrivateNetwork ?? e.CONNECTIONS_ALLOW_PRIVATE_NETWORK,
      appUrl: e.APP_URL,
    };
  };

  /**
   * One exchange, following redirects here rather than in guardedRequest so that each hop is
   * rebuilt from the caller's request: the credential is injected again (OAuth 1 re-signed
   * for the new method and URL) only when the hop's host is one the service allows; to any
   * other host the request goes without it, and without the caller's Authorization and
   * Cookie headers once it left the origin (Fetch §4.4). A 307/308 keeps the caller's body,
   * never a credential injected into it.
   */
  async function exchange(
    prepared: PreparedRequest,
    credential: InjectableCredential,
    allowedHosts: readonly string[],
    deadline: number,
    s: ReturnType<typeof settings>,
  ): Promise<{ response: GuardedResponse; credentialSent: boolean }> {
    let current = prepared;
    for (let redirects = 0; ; redirects += 1) {
      const allowed = isUrlAllowed(allowedHosts, current.url);
      let wire;
      try {
        wire = injectCredential(current, allowed ? credential : null);
      } catch (error) {
        if (error instanceof OAuth1Error) throw new Invalid(error.message);
        throw error;
      }
      const host = new URL(current.url).host;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new InvokeError("upstream_timeout", 504, `${host} did not answer within ${s.timeoutMs} ms.`);
      let response: GuardedResponse;
      try {
        response = await guardedRequest({
          url: wire.url,
          method: wire.method,
          headers: wire.headers,
          body: wire.body,
          timeoutMs: remaining,
          maxResponseBytes: s.maxBytes,
          followRedirects: false,
          allowPrivateNetwork: s.allowPrivateNetwork,
          resolve: options.resolve,
        });
      } catch (error) {
        if (error instanceof OutboundTimeoutError) {
          throw new InvokeError("upstream_timeout", 504, `${host} did not answer within ${s.timeoutMs} ms.`);
        }
        if (error instanceof OutboundTooLargeError) {
          throw new InvokeError("response_too_large", 502, `The response from ${host} is larger than ${s.maxBytes} bytes.`);
        }
        if (redirects > 0 && error instanceof OutboundBlockedError) {
          throw new InvokeError("outbound_blocked", 400, `Refused the redirect to ${host}: ${error.message}`);
        }
        if (error instanceof OutboundError) throw fromOutboundError(error);
        throw error;
      }
      const location = headerValue(response.headers, "location");
      const done = { response, credentialSent: allowed };
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return done;
      let target: URL;
      try {
        target = new URL(location, current.url);
      } catch {
        return done; // an unusable Location is the caller's to see
      }
      if (redirects >= s.maxRedirects) {
        throw new InvokeError("too_many_redirects", 502, `${host} redirected more than ${s.maxRedirects} times.`);
      }
      target.hash = "";
      let { method, headers, form, body } = current;
      const status = response.status;
      // Fetch §4.4 step 12: 303, and 301/302 after POST, continue as a bodiless GET.
      if ((status === 303 && method !== "GET") || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        form = undefined;
        body = undefined;
        headers = withoutHeaders(headers, BODY_HEADERS);
      }
      if (target.origin !== new URL(current.url).origin) headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
      current = { method, url: target.href, headers, form, body };
    }
  }

  async function recordLastUsed(db: Db, connectionId: string, credentialId: string | undefined): Promise<void> {
    const key = credentialId ?? connectionId;
    const now = Date.now();
    const last = lastUsedWrites.get(key);
    if (last !== undefined && now - last < LAST_USED_MIN_INTERVAL_MS) return;
    if (lastUsedWrites.size > 10_000) lastUsedWrites.clear();
    lastUsedWrites.set(key, now);
    const at = new Date(now);
    try {
      await Promise.all([
        db.update(connections).set({ lastUsedAt: at }).where(eq(connections.id, connectionId)),
        credentialId ? db.update(credentials).set({ lastUsedAt: at }).where(eq(credentials.id, credentialId)) : undefined,
      ]);
    } catch {
      // The call itself happened; a failed bookkeeping write must not turn it into an error (a script might repeat a POST).
      console.warn("[connections] could not record the last use of a connection");
    }
  }

  async function invoke(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult> {
    const parsed = invokeRequestSchema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? "request");
        (fieldErrors[key] ??= []).push(issue.message);
      }
      const first = parsed.error.issues[0];
      throw new Invalid(first ? `${String(first.path[0] ?? "request")}: ${first.message}` : "Invalid request", fieldErrors);
    }
    const request = parsed.data;
    const s = settings();

    const { connection, credential } = await loadForCall(db, actor, request.connection);
    const userId = credentialUserFor(connection, actor.id);
    const service = await resolveService(db, actor.orgId, serviceRefOf(connection));

    // The credential only ever goes to the service's hosts: refuse before touching it.
    const hostname = new URL(request.url).hostname;
    if (!isHostAllowed(service.api.allowedHosts, hostname)) {
      throw new HostNotAllowed(
        `The host "${hostname}" is not one that ${service.name} allows (${hostList(service.api.allowedHosts)}): ` +
          `the connection "${connection.linkName}" only sends its credential to those hosts.`,
      );
    }
    const prepared = buildRequest(request);

    const subject = { linkName: connection.linkName, connectionId: connection.id, appUrl: s.appUrl, callersOwn: userId === actor.id };
    const usable = credential && credential.status === "connected" && credential.payloadSealed;
    if (credential?.status === "needs_reauth") throw new NeedsReauth(needsReauthMessage(subject));
    if (!usable && !(isClientCredentials(service) && !credential)) {
      if (connection.useLoginUserCredentials) throw new NotAuthorizedByYou(notAuthorizedByYouMessage(subject));
      throw new NotConnected(notConnectedMessage(subject));
    }

    const ctx: TokenContext = { db, actor, connection, service, userId, credential };
    let token: AccessToken | undefined;
    let injectable: InjectableCredential;
    let credentialId = credential?.id;
    if (service.authType === "oauth2") {
      token = await tokens.current(ctx);
      credentialId = token.credentialId;
      injectable = { type: "oauth2", accessToken: token.accessToken, paramType: service.oauth2?.paramType ?? "header" };
    } else {
      injectable = await staticCredential(db, connection, service, credential!, subject);
    }

    const deadline = Date.now() + s.timeoutMs;
    try {
      const first = await exchange(prepared, injectable, service.api.allowedHosts, deadline, s);
      let response = first.response;
      if (response.status === 401 && first.credentialSent && token) {
        // One refresh and one retry (SPEC.md §7); a second 401 is the API's answer.
        const renewed = await tokens.afterUnauthorized(ctx, token);
        if (renewed) {
          token = renewed;
          injectable = { type: "oauth2", accessToken: renewed.accessToken, paramType: service.oauth2?.paramType ?? "header" };
          ({ response } = await exchange(prepared, injectable, service.api.allowedHosts, deadline, s));
        }
      }
      const upstream: UpstreamResponse = { status: response.status, headers: response.headers, body: response.body };
      if (request.detailed) return { kind: "detailed", detailed: detailedResponse(upstream, s.maxBytes) };
      return { kind: "upstream", ...upstream };
    } finally {
      await recordLastUsed(db, connection.id, credentialId);
    }
  }

  return { invoke };
}

/** API key, Basic and OAuth 1 credentials: decrypted and shaped for injection. */
async function staticCredential(
  db: Db,
  connection: ConnectionRow,
  service: ServiceDefinition,
  credential: CredentialRow,
  subject: Parameters<typeof notConnectedMessage>[0],
): Promise<InjectableCredential> {
  const payload = openCredential(credential);
  const mismatch = () =>
    new NotConnected(`${notConnectedMessage(subject)} (The stored credential does not match the service's authentication type.)`);
  switch (service.authType) {
    case "api_key":
      if (payload?.type !== "api_key") throw mismatch();
      return { type: "api_key", params: service.apiKey?.params ?? [], values: payload.values };
    case "basic":
      if (payload?.type !== "basic") throw mismatch();
      return { type: "basic", username: payload.username, password: payload.password };
    case "oauth1": {
      if (payload?.type !== "oauth1") throw mismatch();
      const client = await loadServiceClient(db, connection.orgId, service);
      return {
        type: "oauth1",
        consumerKey: client.clientId,
        consumerSecret: client.clientSecret,
        token: payload.token,
        tokenSecret: payload.tokenSecret,
        paramType: service.oauth1?.paramType ?? "header",
      };
    }
    default:
      throw new DomainError("invalid", 400, `${service.name} has an unsupported authentication type`);
  }
}

let defaultEngine: InvokeEngine | undefined;

/**
 * Calls an API through a connection (SPEC.md §7, DESIGN.md "Invoke engine"): resolve the
 * connection by link name in the caller's organization, pick the credential (SPEC.md §5),
 * refuse hosts the service does not allow, refresh an OAuth 2 token when due, inject the
 * credential, perform the guarded request (timeout, size cap, redirects re-checked), refresh
 * once and retry once on a 401, record "last used", and return the upstream response as it
 * came or in `detailed` form. Errors are DomainErrors (`errorBody` gives `{ error: { code,
 * message } }`) and never contain a secret.
 */
export function invokeConnection(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult> {
  defaultEngine ??= createInvokeEngine();
  return defaultEngine.invoke(db, actor, input);
}
