import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/db";
import type { ActorCache } from "@/lib/auth/actor-cache";
import { sessionTokenFrom } from "@/lib/auth/session-token";
import type { Actor } from "@/lib/auth/users";
import { codeOf, DomainError, Forbidden, Invalid, Unauthenticated } from "@/lib/errors";
import { Cancellation } from "@/lib/http/cancellation";
import { pipeCapped, readStreamCapped } from "@/lib/http/streams";
import { tooLarge, type InvokeEngine, type OpenedCall } from "@/lib/invoke/invoke";
import type { InvokeRequestInput } from "@/lib/validation/invoke";
import { errorBody } from "./error-response";
import { passedOnHeaders } from "./invoke-response";

/**
 * `POST /api/v1/invoke` in plain Node, ahead of Next (docs/architecture.md "The data plane"):
 * same URL, request and answer shapes, errors and auth as every other API route, without
 * Next's per-request machinery. Who is calling comes from the actor cache (a personal access
 * token, or the session cookie — only from our own origin and with a JSON body, so that no
 * other site can drive a signed-in browser); the call target from the engine's cache; the
 * upstream's body is streamed with the byte cap counted as it passes. Every answer carries
 * `Server-Timing: app;dur=…, upstream;dur=…`.
 */
export const INVOKE_PATH = "/api/v1/invoke";

export type DataPlaneOptions = {
  db: () => Promise<Db>;
  engine: InvokeEngine;
  actors: ActorCache;
  /** APP_URL's origin: the only Origin a cookie-authenticated call may come from. */
  appOrigin: string;
  /** Largest request body accepted (CONNECTIONS_INVOKE_MAX_REQUEST_BYTES). */
  maxRequestBytes: number;
  /** Told of answers the app could not give (500s), without the error's text (it may hold a secret). */
  onInternalError?: (error: unknown) => void;
};

export type DataPlane = {
  /** Whether the data plane answers this request (everything else goes on to Next). */
  handles(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
};

const BEARER = /^Bearer\s+(\S+)$/i;

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

function serverTiming(appMs: number, upstreamMs: number | null): string {
  return `app;dur=${appMs}, upstream;dur=${upstreamMs ?? 0}`;
}

const requestTooLarge = (max: number) => new DomainError("request_too_large", `The request body is larger than ${max} bytes.`);

function declaredTooLarge(declaredLength: string | null | undefined, max: number): boolean {
  const declared = Number(declaredLength);
  return Boolean(declaredLength) && Number.isFinite(declared) && declared > max;
}

/**
 * Reads a request body, refusing past `max` bytes (by Content-Length before reading, else
 * as it arrives). The fallback route's reader (a web body); the data plane reads its Node
 * request with {@link readCappedRequest}.
 */
export async function readCappedBody(
  body: AsyncIterable<Uint8Array> | null,
  declaredLength: string | null | undefined,
  max: number,
): Promise<Buffer> {
  if (declaredTooLarge(declaredLength, max)) throw requestTooLarge(max);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body ?? []) {
    total += chunk.length;
    if (total > max) throw requestTooLarge(max);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/** The same rule for the data plane's Node request, read with listeners (lib/http/streams.ts). */
export async function readCappedRequest(req: IncomingMessage, max: number): Promise<Buffer> {
  if (declaredTooLarge(req.headers["content-length"], max)) throw requestTooLarge(max);
  return readStreamCapped(req, max, () => requestTooLarge(max));
}

/**
 * A call with the browser session (docs/product.md §9) only from our own pages and with a
 * JSON body: other origins, same-site ones included, could otherwise drive a signed-in browser.
 */
export function assertCookieCallAllowed(
  origin: string | null | undefined,
  contentType: string | null | undefined,
  appOrigin: string,
): void {
  if (origin !== appOrigin) {
    throw new Forbidden(
      "A call with the session cookie must come from this app's own pages (Origin); scripts use a personal access token",
    );
  }
  if (!isJson(contentType ?? undefined)) {
    throw new DomainError("unsupported_media_type", "Send the request body as JSON with `Content-Type: application/json`");
  }
}

/** The request's JSON, or the error that says what the body must be. */
export function parseInvokeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new Invalid("The request body must be JSON: { connection, url, method, parameters?, headers?, body?, detailed? }");
  }
}

export function createDataPlane(options: DataPlaneOptions): DataPlane {
  const { engine, actors } = options;

  async function authenticate(db: Db, req: IncomingMessage): Promise<Actor> {
    const authorization = req.headers.authorization;
    if (authorization) {
      const match = BEARER.exec(authorization);
      const actor = match ? await actors.fromAccessToken(db, match[1]) : undefined;
      if (!actor) throw new Unauthenticated("The access token is missing, malformed, unknown or revoked");
      return actor;
    }
    const session = sessionTokenFrom(req.headers.cookie);
    if (!session) throw new Unauthenticated("Send a personal access token as `Authorization: Bearer …`, or sign in");
    assertCookieCallAllowed(req.headers.origin, req.headers["content-type"], options.appOrigin);
    const actor = await actors.fromSessionToken(db, session);
    if (!actor) throw new Unauthenticated("Your session has ended; sign in again");
    return actor;
  }

  function answerError(res: ServerResponse, error: unknown, startedAt: number): void {
    const { status, body } = errorBody(error);
    if (status === 500) options.onInternalError?.(error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(payload),
      "cache-control": "no-store",
      "x-connections-error": "1",
      "server-timing": serverTiming(Math.round(performance.now() - startedAt), null),
    });
    res.end(payload);
  }

  async function stream(res: ServerResponse, call: Extract<OpenedCall, { kind: "stream" }>, signal: Cancellation) {
    const declared = Number(call.headers.find(([name]) => name === "content-length")?.[1]);
    if (!call.bodiless && Number.isFinite(declared) && declared > call.maxBytes) {
      // Known before the headers: a clear error instead of a cut-off body.
      call.discard();
      const error = tooLarge(call.maxBytes);
      call.finish({ bytes: 0, errorCode: error.code });
      throw error;
    }
    const headers = passedOnHeaders(call.headers);
    if (!call.bodiless && Number.isFinite(declared)) headers.push(["content-length", String(declared)]);
    headers.push(["server-timing", serverTiming(call.timing.appMs, call.timing.upstreamMs)]);
    res.writeHead(call.status, headers.flat());
    if (call.bodiless) {
      call.discard();
      res.end();
      call.finish({ bytes: 0 });
      return;
    }
    const { bytes, error } = await pipeCapped(call.body, res, call.maxBytes, () => tooLarge(call.maxBytes));
    if (error === undefined) {
      call.finish({ bytes });
      return;
    }
    call.discard();
    const failure = error instanceof DomainError ? error : call.failure(error);
    call.finish({ bytes, errorCode: signal.aborted ? "client_closed" : codeOf(failure) });
    // The status line is gone: the only way left to say "incomplete" is to close the connection.
    res.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const aborted = new Cancellation();
    res.once("close", () => {
      if (!res.writableFinished) aborted.abort(new DomainError("upstream_unreachable", "The caller went away"));
    });
    try {
      const db = await options.db();
      const actor = await authenticate(db, req);
      const raw = await readCappedRequest(req, options.maxRequestBytes);
      const input = parseInvokeJson(raw);
      // Untrusted JSON: the engine parses it with invokeRequestSchema before anything else.
      const call = await engine.open(db, actor, input as InvokeRequestInput, { signal: aborted, startedAt });
      if (call.kind === "detailed") {
        const payload = JSON.stringify(call.detailed);
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          "server-timing": serverTiming(call.timing.appMs, call.timing.upstreamMs),
        });
        res.end(payload);
        return;
      }
      await stream(res, call, aborted);
    } catch (error) {
      if (codeOf(error) === "request_too_large")
        res.setHeader("connection", "close"); // not worth reading the rest
      else if (!req.readableEnded) req.resume(); // an unread body must not hold the connection
      answerError(res, error, startedAt);
    }
  }

  return {
    handles: (req) => req.method === "POST" && (req.url === INVOKE_PATH || req.url?.startsWith(`${INVOKE_PATH}?`) === true),
    handle,
  };
}
