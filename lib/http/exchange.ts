import "server-only";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { Cancellation, onAbort, type CancelSignal } from "./cancellation";
import { guardedAgent, toOutboundError, type GuardedDispatcherOptions } from "./dispatcher";
import { OutboundBlockedError, OutboundConnectError, OutboundError, OutboundTimeoutError, OutboundTooLargeError } from "./errors";
import { readStreamCapped } from "./streams";
import { checkOutboundUrl, type OutboundPolicy } from "./url-policy";

/** Some APIs (GitHub's among them) refuse requests without a User-Agent. */
const DEFAULT_USER_AGENT = "Connections";

export interface ExchangeOptions extends GuardedDispatcherOptions {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The whole exchange, reading the body included; required so that nothing waits forever. */
  timeoutMs: number;
  /** Caller's cancellation (the client went away); its reason is rethrown as is. */
  signal?: CancelSignal;
}

/** One answer, its body not read yet: read it capped, stream it, or discard it. */
export interface Exchange {
  status: number;
  statusText: string;
  /** Lower-cased names, repeated headers (set-cookie) as repeated pairs. */
  headers: Array<[string, string]>;
  url: string;
  /** Raw bytes as sent (content-encoding still applies). Reading it counts against the same deadline. */
  body: Readable;
  /** The whole body, refused past `maxBytes` (by Content-Length before reading, else as it arrives). */
  readBody(maxBytes: number): Promise<Buffer>;
  /** Drops the body unread and frees the socket. */
  discard(): void;
  /** What a failure while streaming the body means: a timeout, the caller's abort, or the connection. */
  failure(error: unknown): unknown;
}

/** A buffered answer, for callers that want the bytes. */
export interface GuardedResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Buffer;
  url: string;
}

// Connection-level headers belong to our socket, not to the caller (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "content-length",
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function normalizeHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const normalized: Record<string, string> = { "user-agent": DEFAULT_USER_AGENT };
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

/**
 * Performs one HTTP exchange under the outbound policy (`checkOutboundUrl` and the pinned
 * dispatcher) and hands back the answer with its body unread. Redirects are never followed
 * here: a 3xx comes back as it is, and the invoke engine's redirect policy decides
 * (lib/invoke/redirects.ts), so there is one redirect follower in the app.
 *
 * @throws {OutboundBlockedError} URL, method, header or resolved address refused
 * @throws {OutboundConnectError} DNS, TCP or TLS failure
 * @throws {OutboundTimeoutError} `timeoutMs` elapsed before the headers came
 */
export async function exchange(options: ExchangeOptions): Promise<Exchange> {
  const policy: OutboundPolicy = { allowPrivateNetwork: options.allowPrivateNetwork, isAllowedAddress: options.isAllowedAddress };
  const url = checkOutboundUrl(options.url, policy);
  const method = options.method.toUpperCase();
  // CONNECT would open a tunnel past the policy; TRACE/TRACK echo credentials back (XST).
  if (!TOKEN.test(method) || method === "CONNECT" || method === "TRACE" || method === "TRACK") {
    throw new OutboundBlockedError("The HTTP method is not allowed.");
  }
  const headers = normalizeHeaders(options.headers);
  const caller = options.signal;
  if (caller?.aborted) throw caller.reason ?? new OutboundConnectError(`Could not reach ${url.host}.`);
  // One cancellation for the deadline and the caller's: AbortSignal.any, or even one
  // AbortController, costs more per call than the rest of the exchange's own work (./cancellation.ts).
  const abort = new Cancellation();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const stopListening = caller ? onAbort(caller, () => abort.abort(caller.reason)) : undefined;
  const settle = () => {
    clearTimeout(timer);
    stopListening?.();
  };
  const failure = (error: unknown): unknown => {
    if (timedOut) return new OutboundTimeoutError(`${url.host} did not answer within ${options.timeoutMs} ms.`);
    if (caller?.aborted) return caller.reason ?? error;
    return error instanceof OutboundError ? error : toOutboundError(error, url);
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await guardedAgent(options).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers,
      body: options.body,
      signal: abort,
    });
  } catch (error) {
    settle();
    throw failure(error);
  }
  const body = response.body as unknown as Readable;
  body.once("close", settle);
  const discard = () => {
    settle();
    // undici reports the abort of a body nobody reads as an error nobody needs to see.
    body.on("error", () => undefined);
    body.destroy();
  };
  const tooLarge = (maxBytes: number) =>
    new OutboundTooLargeError(`The response from ${url.host} is larger than ${maxBytes} bytes.`);

  return {
    status: response.statusCode,
    statusText: response.statusText ?? "",
    headers: headerPairs(response.headers),
    url: url.href,
    body,
    discard,
    failure,
    async readBody(maxBytes) {
      if (method === "HEAD" || response.statusCode === 204 || response.statusCode === 304) {
        discard();
        return Buffer.alloc(0);
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        discard();
        throw tooLarge(maxBytes);
      }
      try {
        return await readStreamCapped(body, maxBytes, () => tooLarge(maxBytes));
      } catch (error) {
        if (error instanceof OutboundTooLargeError) {
          discard();
          throw error;
        }
        throw failure(error);
      } finally {
        settle();
      }
    },
  };
}

/** One exchange with its body read, capped at `maxResponseBytes`. */
export async function guardedRequest(options: ExchangeOptions & { maxResponseBytes: number }): Promise<GuardedResponse> {
  const answer = await exchange(options);
  const body = await answer.readBody(options.maxResponseBytes);
  return { status: answer.status, statusText: answer.statusText, headers: answer.headers, body, url: answer.url };
}
