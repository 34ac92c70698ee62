import "server-only";
import type { Dispatcher } from "undici";
import { guardedAgent, toOutboundError, type GuardedDispatcherOptions } from "./dispatcher";
import { OutboundBlockedError, OutboundRedirectError, OutboundTimeoutError, OutboundTooLargeError } from "./errors";
import { checkOutboundUrl, type OutboundPolicy } from "./url-policy";

export const DEFAULT_TIMEOUT_MS = 40_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 15 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = "Connections";

/**
 * Decides a redirect the engine itself would follow. `false` stops and returns
 * the 3xx response as it came; `headers` are set on the next request after the
 * cross-origin credential headers were dropped (re-inject credentials here, only
 * for hosts the connection trusts).
 */
export type RedirectDecision = (from: URL, to: URL) => { headers?: Record<string, string> } | false;

export interface GuardedRequestOptions extends GuardedDispatcherOptions {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Whole exchange, every redirect and the body included. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  followRedirects?: boolean;
  onRedirect?: RedirectDecision;
  /** Caller's cancellation (the client went away); its reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  statusText: string;
  /** Lower-cased names, repeated headers (set-cookie) as repeated pairs. */
  headers: Array<[string, string]>;
  /** Raw bytes as sent: no content decoding, so content-encoding still applies. */
  body: Buffer;
  /** The URL that produced this response, after redirects. */
  url: string;
  redirects: number;
}

// Connection-level headers belong to our socket, not to the caller (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect", "content-length",
]);
// Fetch "request-body-header names", dropped with the body on a method change.
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];
// Dropped when a redirect leaves the origin (Fetch §4.4 step 13, plus cookies we manage ourselves).
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function normalizeHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!TOKEN.test(name) || /[\r\n\0]/.test(String(value))) {
      throw new OutboundBlockedError(`The header "${TOKEN.test(name) ? name : "(invalid name)"}" has an invalid name or value.`);
    }
    const key = name.toLowerCase();
    if (!HOP_BY_HOP.has(key)) normalized[key] = String(value);
  }
  return normalized;
}

function headerPairs(headers: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([name.toLowerCase(), item]);
  }
  return pairs;
}

/** Drops a body we will not read; undici reports the abort as an error nobody needs to see. */
function discard(response: Dispatcher.ResponseData): void {
  response.body.on("error", () => undefined);
  response.body.destroy();
}

async function readCapped(response: Dispatcher.ResponseData, maxBytes: number, host: string): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(response);
    throw new OutboundTooLargeError(`The response from ${host} is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discard(response);
      throw new OutboundTooLargeError(`The response from ${host} is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Performs one HTTP exchange under the outbound policy (see `checkOutboundUrl`
 * and the pinned dispatcher), following redirects itself so that each
 * Location is checked again and credentials never follow a cross-origin hop.
 *
 * @throws {OutboundBlockedError} URL or resolved address refused (400)
 * @throws {OutboundConnectError} DNS, TCP or TLS failure (502)
 * @throws {OutboundTimeoutError} `timeoutMs` elapsed (504)
 * @throws {OutboundTooLargeError} body over `maxResponseBytes` (502)
 * @throws {OutboundRedirectError} more than `maxRedirects` redirects (502)
 */
export async function guardedRequest(options: GuardedRequestOptions): Promise<GuardedResponse> {
  const policy: OutboundPolicy = { allowPrivateNetwork: options.allowPrivateNetwork, isAllowedAddress: options.isAllowedAddress };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const followRedirects = options.followRedirects ?? true;
  const dispatcher = guardedAgent(options);

  let url = checkOutboundUrl(options.url, policy);
  let method = options.method.toUpperCase();
  // CONNECT would open a tunnel past the policy; TRACE/TRACK echo credentials back (XST).
  if (!TOKEN.test(method) || method === "CONNECT" || method === "TRACE" || method === "TRACK") {
    throw new OutboundBlockedError("The HTTP method is not allowed.");
  }
  // Some APIs (GitHub's among them) refuse requests without a User-Agent.
  let headers: Record<string, string> = { "user-agent": DEFAULT_USER_AGENT, ...normalizeHeaders(options.headers) };
  let body = options.body;
  let redirects = 0;

  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;

  try {
    for (;;) {
      const response = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal,
      });
      const responseUrl = url;
      const hasNoBody = method === "HEAD" || response.statusCode === 204 || response.statusCode === 304;
      const finish = async (): Promise<GuardedResponse> => {
        let responseBody: Buffer = Buffer.alloc(0);
        if (hasNoBody) await response.body.dump();
        else responseBody = await readCapped(response, maxBytes, responseUrl.host);
        return {
          status: response.statusCode,
          statusText: response.statusText ?? "",
          headers: headerPairs(response.headers),
          body: responseBody,
          url: responseUrl.href,
          redirects,
        };
      };

      const location = response.headers.location;
      if (!followRedirects || !REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string") {
        return await finish();
      }
      let target: URL;
      try {
        target = new URL(location, url);
      } catch {
        return await finish(); // an unusable Location is the caller's to see, like any other 3xx
      }
      if (redirects >= maxRedirects) {
        discard(response);
        throw new OutboundRedirectError(`${url.host} redirected more than ${maxRedirects} times.`);
      }
      try {
        target = checkOutboundUrl(target.href, policy);
      } catch (error) {
        discard(response);
        const reason = error instanceof Error ? error.message : "";
        throw new OutboundBlockedError(`Refused the redirect from ${url.host}: ${reason}`);
      }

      // Fetch §4.4 step 12: 303, and 301/302 after POST, continue as a bodiless GET.
      const status = response.statusCode;
      if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !BODY_HEADERS.includes(name)));
      }
      if (target.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name)));
      }
      const decision = options.onRedirect ? options.onRedirect(url, target) : {};
      if (decision === false) return await finish();
      headers = { ...headers, ...normalizeHeaders(decision.headers) };

      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      redirects += 1;
      url = target;
    }
  } catch (error) {
    if (timedOut) throw new OutboundTimeoutError(`${url.host} did not answer within ${timeoutMs} ms.`);
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    throw toOutboundError(error, url);
  } finally {
    clearTimeout(timer);
  }
}
