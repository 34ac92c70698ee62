import "server-only";
import type { Readable } from "node:stream";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { isHostAllowed } from "@/lib/catalog";
import { credentialUserFor } from "@/lib/connections/access";
import { env } from "@/lib/env";
import { codeOf, DomainError, HostNotAllowed, Invalid, NeedsReauth, NotAuthorizedByYou, NotConnected } from "@/lib/errors";
import type { CancelSignal } from "@/lib/http/cancellation";
import type { Resolver } from "@/lib/http/dispatcher";
import { OutboundTimeoutError } from "@/lib/http/errors";
import type { Exchange } from "@/lib/http/exchange";
import { emitCall } from "@/lib/observe/events";
import { invokeRequestSchema, type InvokeDetailedResponse, type InvokeRequestInput } from "@/lib/validation/invoke";
import { buildRequest } from "./build-request";
import { CallCache, openedPayload, type CallTarget } from "./call-cache";
import { loggedPath } from "./call-record";
import { detailedResponse, type UpstreamResponse } from "./detailed";
import type { InjectableCredential } from "./inject";
import { createLastUsedRecorder } from "./last-used";
import { needsReauthMessage, notAuthorizedByYouMessage, notConnectedMessage } from "./messages";
import { DEFAULT_MAX_REDIRECTS, followRedirects, type RedirectPolicy } from "./redirects";
import { isClientCredentials, TokenManager, type AccessToken, type TokenContext } from "./refresh";
import { staticCredential } from "./static-credential";

export type { UpstreamResponse } from "./detailed";

export type InvokeResult = ({ kind: "upstream" } & UpstreamResponse) | { kind: "detailed"; detailed: InvokeDetailedResponse };

/** Where the time of a call went so far, in ms: the app's own work, and waiting for the upstream's headers. */
export type CallTiming = { appMs: number; upstreamMs: number | null };

/**
 * A call whose upstream answer has not been read yet (the data plane streams it): status and
 * headers, the body as it comes, and `finish`, which the reader calls once with what it sent
 * so that the call is recorded. `detailed` calls are always buffered.
 */
export type OpenedCall =
  | { kind: "detailed"; detailed: InvokeDetailedResponse; timing: CallTiming }
  | {
      kind: "stream";
      status: number;
      headers: Array<[string, string]>;
      body: Readable;
      /** The response cap: the reader must stop past it. */
      maxBytes: number;
      /** Whether the body is empty by definition (HEAD, 204, 304): nothing to stream. */
      bodiless: boolean;
      timing: CallTiming;
      /** What a failure while reading `body` means (timeout, client abort, connection). */
      failure(error: unknown): unknown;
      /** Drops the body unread. */
      discard(): void;
      /** Records the call: bytes passed on, and our error code when the body could not be passed on whole. */
      finish(outcome: { bytes: number; errorCode?: string | null }): void;
    };

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
  /** How long a call target stays cached (≤ 60 s; 0 turns the cache off). */
  cacheTtlMs?: number;
};

export type OpenOptions = {
  /** The caller went away: stop waiting for the upstream. */
  signal?: CancelSignal;
  /** When the request reached the app (performance.now()), so the app's time includes reading it. */
  startedAt?: number;
};

export interface InvokeEngine {
  /** Calls and reads the whole answer (capped): for the SDK, the script console and tests. */
  invoke(db: Db, actor: Actor, input: InvokeRequestInput, options?: OpenOptions): Promise<InvokeResult>;
  /** Calls and hands back the answer unread, for streaming. */
  open(db: Db, actor: Actor, input: InvokeRequestInput, options?: OpenOptions): Promise<OpenedCall>;
  /** Writes pending bookkeeping ("last used") now. */
  flush(): Promise<void>;
  /** Stops listening for invalidations and writes pending bookkeeping. */
  close(): Promise<void>;
}

function hostList(hosts: readonly string[]): string {
  return hosts.length ? hosts.join(", ") : "none configured";
}

/** The request body as the engine validates it: every field error, and the first as the message. */
function parseRequest(input: InvokeRequestInput) {
  const parsed = invokeRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "request");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const first = parsed.error.issues[0];
  throw new Invalid(first ? `${String(first.path[0] ?? "request")}: ${first.message}` : "Invalid request", fieldErrors);
}

const elapsed = (since: number) => Math.max(0, Math.round(performance.now() - since));

/**
 * An invoke engine: one per process in the app (shared by the data plane and Next's bundle
 * through `defaultInvokeEngine`); tests build more to act as other instances. It holds the
 * in-process state of calls: the call-target cache, single-flight token renewal, batched
 * last-used writes.
 */
export function createInvokeEngine(options: InvokeEngineOptions = {}): InvokeEngine {
  const tokens = new TokenManager({ tokenTimeoutMs: options.tokenTimeoutMs });
  const cache = new CallCache({ ttlMs: options.cacheTtlMs });
  const lastUsed = createLastUsedRecorder();
  const caching = options.cacheTtlMs !== 0;

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

  async function target(db: Db, actor: Actor, linkName: string): Promise<CallTarget> {
    if (caching) return cache.target(db, actor, linkName);
    const uncached = new CallCache({ ttlMs: 0 });
    try {
      return await uncached.target(db, actor, linkName);
    } finally {
      uncached.close();
    }
  }

  async function open(db: Db, actor: Actor, input: InvokeRequestInput, call: OpenOptions = {}): Promise<OpenedCall> {
    const startedAt = call.startedAt ?? performance.now();
    const request = parseRequest(input);
    const s = settings();
    const loaded = await target(db, actor, request.connection);
    const { connection, credential, service } = loaded;
    const userId = credentialUserFor(connection, actor.id);
    const url = new URL(request.url);

    let upstreamMs: number | null = null;
    let credentialId = credential?.id;
    const record = (status: number | null, errorCode: string | null, bytes: number) => {
      lastUsed.record(db, connection.id, credentialId);
      const totalMs = elapsed(startedAt);
      emitCall({
        at: new Date(),
        orgId: connection.orgId,
        connectionId: connection.id,
        service: service.linkName,
        callerId: actor.id,
        credentialUserId: isClientCredentials(service) && !connection.useLoginUserCredentials ? null : userId,
        method: request.method,
        host: url.host,
        path: loggedPath(url, service),
        status,
        errorCode,
        appMs: Math.max(0, totalMs - (upstreamMs ?? 0)),
        upstreamMs,
        responseBytes: bytes,
      });
    };

    let answer: Exchange;
    try {
      // The credential only ever goes to the service's hosts: refuse before touching it.
      if (!isHostAllowed(service.api.allowedHosts, url.hostname)) {
        throw new HostNotAllowed(
          `The host "${url.hostname}" is not one that ${service.name} allows (${hostList(service.api.allowedHosts)}): ` +
            `the connection "${connection.linkName}" only sends its credential to those hosts.`,
        );
      }
      const prepared = buildRequest(request);
      const subject = {
        linkName: connection.linkName,
        connectionId: connection.id,
        appUrl: s.appUrl,
        callersOwn: userId === actor.id,
      };
      const usable = credential && credential.status === "connected" && credential.payloadSealed;
      if (credential?.status === "needs_reauth") throw new NeedsReauth(needsReauthMessage(subject));
      if (!usable && !(isClientCredentials(service) && !credential)) {
        if (connection.useLoginUserCredentials) throw new NotAuthorizedByYou(notAuthorizedByYouMessage(subject));
        throw new NotConnected(notConnectedMessage(subject));
      }

      const ctx: TokenContext = { db, actor, connection, service, userId, credential };
      let token: AccessToken | undefined;
      let injectable: InjectableCredential;
      const bearer = (accessToken: string): InjectableCredential => ({
        type: "oauth2",
        accessToken,
        paramType: service.oauth2?.paramType ?? "header",
      });
      if (service.authType === "oauth2") {
        token = await tokens.current(ctx);
        credentialId = token.credentialId;
        injectable = bearer(token.accessToken);
      } else {
        injectable = await staticCredential(service, openedPayload(credential!), subject, () => cache.client(db, loaded));
      }

      const policy: RedirectPolicy = {
        credential: injectable,
        allowedHosts: service.api.allowedHosts,
        maxRedirects: s.maxRedirects,
        deadline: Date.now() + s.timeoutMs,
        timeoutMs: s.timeoutMs,
        transport: { allowPrivateNetwork: s.allowPrivateNetwork, resolve: options.resolve, signal: call.signal },
      };
      let upstreamStarted = performance.now();
      let followed = await followRedirects(prepared, policy);
      upstreamMs = elapsed(upstreamStarted);
      if (followed.answer.status === 401 && followed.credentialSent && token) {
        // One refresh and one retry (docs/product.md §7); a second 401 is the API's answer.
        const renewed = await tokens.afterUnauthorized(ctx, token);
        if (renewed) {
          followed.answer.discard();
          token = renewed;
          injectable = bearer(renewed.accessToken);
          upstreamStarted = performance.now();
          followed = await followRedirects(prepared, { ...policy, credential: injectable });
          upstreamMs += elapsed(upstreamStarted);
        }
      }
      answer = followed.answer;
    } catch (error) {
      record(null, codeOf(error), 0);
      throw error;
    }

    const timeoutError = () => new DomainError("upstream_timeout", `${url.host} did not answer within ${s.timeoutMs} ms.`);
    if (request.detailed) {
      const readStarted = performance.now();
      let body: Buffer;
      try {
        body = await answer.readBody(s.maxBytes);
      } catch (error) {
        const failure = error instanceof OutboundTimeoutError ? timeoutError() : error;
        record(answer.status, codeOf(failure), 0);
        throw failure;
      } finally {
        upstreamMs = (upstreamMs ?? 0) + elapsed(readStarted);
      }
      const upstream: UpstreamResponse = { status: answer.status, headers: answer.headers, body };
      let detailed: InvokeDetailedResponse;
      try {
        detailed = detailedResponse(upstream, s.maxBytes);
      } catch (error) {
        record(answer.status, codeOf(error), body.length);
        throw error;
      }
      record(answer.status, null, body.length);
      return { kind: "detailed", detailed, timing: { appMs: Math.max(0, elapsed(startedAt) - upstreamMs), upstreamMs } };
    }

    let finished = false;
    const headersAt = upstreamMs;
    return {
      kind: "stream",
      status: answer.status,
      headers: answer.headers,
      body: answer.body,
      maxBytes: s.maxBytes,
      bodiless: answer.status === 204 || answer.status === 304 || (answer.status >= 100 && answer.status < 200),
      timing: { appMs: Math.max(0, elapsed(startedAt) - (headersAt ?? 0)), upstreamMs: headersAt },
      failure: (error) => {
        const failure = answer.failure(error);
        return failure instanceof OutboundTimeoutError ? timeoutError() : failure;
      },
      discard: () => answer.discard(),
      finish({ bytes, errorCode = null }) {
        if (finished) return;
        finished = true;
        record(answer.status, errorCode, bytes);
      },
    };
  }

  async function invoke(db: Db, actor: Actor, input: InvokeRequestInput, call?: OpenOptions): Promise<InvokeResult> {
    const opened = await open(db, actor, input, call);
    if (opened.kind === "detailed") return { kind: "detailed", detailed: opened.detailed };
    if (opened.bodiless) {
      opened.discard();
      opened.finish({ bytes: 0 });
      return { kind: "upstream", status: opened.status, headers: opened.headers, body: Buffer.alloc(0) };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      const declared = Number(opened.headers.find(([name]) => name === "content-length")?.[1]);
      if (Number.isFinite(declared) && declared > opened.maxBytes) throw tooLarge(opened.maxBytes);
      for await (const chunk of opened.body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > opened.maxBytes) throw tooLarge(opened.maxBytes);
        chunks.push(chunk);
      }
    } catch (error) {
      opened.discard();
      const failure = error instanceof DomainError ? error : opened.failure(error);
      opened.finish({ bytes: total, errorCode: codeOf(failure) });
      throw failure;
    }
    opened.finish({ bytes: total });
    return { kind: "upstream", status: opened.status, headers: opened.headers, body: Buffer.concat(chunks, total) };
  }

  return {
    invoke,
    open,
    flush: () => lastUsed.flush(),
    async close() {
      cache.close();
      await lastUsed.flush();
    },
  };
}

export function tooLarge(maxBytes: number): DomainError {
  return new DomainError("response_too_large", `The response is larger than ${maxBytes} bytes.`);
}

const holder = globalThis as typeof globalThis & { __connectionsInvokeEngine?: InvokeEngine };

/** The process's engine: one cache and one single-flight state for the data plane and Next's bundle alike. */
export function defaultInvokeEngine(): InvokeEngine {
  holder.__connectionsInvokeEngine ??= createInvokeEngine();
  return holder.__connectionsInvokeEngine;
}

/**
 * Calls an API through a connection (docs/product.md §7, docs/architecture.md "One call"):
 * resolve the connection by link name in the caller's organization, pick the credential
 * (docs/product.md §5), refuse hosts the service does not allow, refresh an OAuth 2 token
 * when due, inject the credential, perform the guarded request (timeout, size cap,
 * redirects re-checked), refresh once and retry once on a 401, record "last used" and the
 * call, and return the upstream response as it came or in `detailed` form. Errors are
 * DomainErrors and never contain a secret.
 */
export function invokeConnection(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult> {
  return defaultInvokeEngine().invoke(db, actor, input);
}
