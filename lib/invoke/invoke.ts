import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { isHostAllowed } from "@/lib/catalog";
import { credentialUserFor, serviceRefOf } from "@/lib/connections/access";
import { env } from "@/lib/env";
import { DomainError, HostNotAllowed, Invalid, NeedsReauth, NotAuthorizedByYou, NotConnected } from "@/lib/errors";
import type { Resolver } from "@/lib/http/dispatcher";
import { OutboundTimeoutError } from "@/lib/http/errors";
import { resolveService } from "@/lib/services/resolve";
import { invokeRequestSchema, type InvokeDetailedResponse, type InvokeRequestInput } from "@/lib/validation/invoke";
import { buildRequest } from "./build-request";
import { detailedResponse, type UpstreamResponse } from "./detailed";
import type { InjectableCredential } from "./inject";
import { createLastUsedRecorder } from "./last-used";
import { loadForCall } from "./load-for-call";
import { needsReauthMessage, notAuthorizedByYouMessage, notConnectedMessage } from "./messages";
import { DEFAULT_MAX_REDIRECTS, followRedirects, type RedirectPolicy } from "./redirects";
import { isClientCredentials, TokenManager, type AccessToken, type TokenContext } from "./refresh";
import { staticCredential } from "./static-credential";

export type { UpstreamResponse } from "./detailed";

export type InvokeResult = ({ kind: "upstream" } & UpstreamResponse) | { kind: "detailed"; detailed: InvokeDetailedResponse };

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

/**
 * An invoke engine: one per process in the app; tests build more to act as other instances.
 * It holds the in-process state of calls (single-flight token renewal, last-used writes).
 */
export function createInvokeEngine(options: InvokeEngineOptions = {}): InvokeEngine {
  const tokens = new TokenManager({ tokenTimeoutMs: options.tokenTimeoutMs });
  const recordLastUsed = createLastUsedRecorder();

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

  async function invoke(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult> {
    const request = parseRequest(input);
    const s = settings();

    const { connection, credential } = await loadForCall(db, actor, request.connection);
    const userId = credentialUserFor(connection, actor.id);
    const service = await resolveService(db, actor, serviceRefOf(connection));

    // The credential only ever goes to the service's hosts: refuse before touching it.
    const hostname = new URL(request.url).hostname;
    if (!isHostAllowed(service.api.allowedHosts, hostname)) {
      throw new HostNotAllowed(
        `The host "${hostname}" is not one that ${service.name} allows (${hostList(service.api.allowedHosts)}): ` +
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
    let credentialId = credential?.id;
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
      injectable = await staticCredential(db, connection, service, credential!, subject);
    }

    const policy: RedirectPolicy = {
      credential: injectable,
      allowedHosts: service.api.allowedHosts,
      maxRedirects: s.maxRedirects,
      deadline: Date.now() + s.timeoutMs,
      timeoutMs: s.timeoutMs,
      transport: { allowPrivateNetwork: s.allowPrivateNetwork, resolve: options.resolve },
    };
    try {
      let followed = await followRedirects(prepared, policy);
      if (followed.answer.status === 401 && followed.credentialSent && token) {
        // One refresh and one retry (docs/product.md §7); a second 401 is the API's answer.
        const renewed = await tokens.afterUnauthorized(ctx, token);
        if (renewed) {
          followed.answer.discard();
          token = renewed;
          followed = await followRedirects(prepared, { ...policy, credential: bearer(renewed.accessToken) });
        }
      }
      const { answer } = followed;
      let body: Buffer;
      try {
        body = await answer.readBody(s.maxBytes);
      } catch (error) {
        if (error instanceof OutboundTimeoutError) {
          throw new DomainError("upstream_timeout", `${new URL(answer.url).host} did not answer within ${s.timeoutMs} ms.`);
        }
        throw error;
      }
      const upstream: UpstreamResponse = { status: answer.status, headers: answer.headers, body };
      if (request.detailed) return { kind: "detailed", detailed: detailedResponse(upstream, s.maxBytes) };
      return { kind: "upstream", ...upstream };
    } finally {
      await recordLastUsed(db, connection.id, credentialId);
    }
  }

  return { invoke };
}

let defaultEngine: InvokeEngine | undefined;

/**
 * Calls an API through a connection (docs/product.md §7, docs/architecture.md "One call"):
 * resolve the connection by link name in the caller's organization, pick the credential
 * (docs/product.md §5), refuse hosts the service does not allow, refresh an OAuth 2 token
 * when due, inject the credential, perform the guarded request (timeout, size cap,
 * redirects re-checked), refresh once and retry once on a 401, record "last used", and
 * return the upstream response as it came or in `detailed` form. Errors are DomainErrors
 * and never contain a secret.
 */
export function invokeConnection(db: Db, actor: Actor, input: InvokeRequestInput): Promise<InvokeResult> {
  defaultEngine ??= createInvokeEngine();
  return defaultEngine.invoke(db, actor, input);
}
