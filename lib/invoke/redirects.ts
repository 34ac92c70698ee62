import "server-only";
import { isUrlAllowed } from "@/lib/catalog";
import { DomainError, Invalid } from "@/lib/errors";
import { OutboundBlockedError, OutboundTimeoutError } from "@/lib/http/errors";
import { exchange, type Exchange, type ExchangeOptions } from "@/lib/http/exchange";
import { withoutHeaders } from "@/lib/http/headers";
import { OAuth1Error } from "@/lib/oauth1/errors";
import type { PreparedRequest } from "./build-request";
import { injectCredential, type InjectableCredential } from "./inject";

/** The statuses a redirect follower acts on (RFC 9110 §15.4); others come back as they are. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
export const DEFAULT_MAX_REDIRECTS = 5;
// Fetch "request-body-header names", dropped with the body on a method change.
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];
// Dropped when a redirect leaves the origin (Fetch §4.4 step 13, plus cookies we manage ourselves).
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

export type RedirectPolicy = {
  credential: InjectableCredential | null;
  /** Hosts the credential may go to; any other hop goes without it. */
  allowedHosts: readonly string[];
  maxRedirects: number;
  /** Epoch ms by which the whole exchange (every hop and the last body) must be done. */
  deadline: number;
  /** The budget the deadline came from, for the timeout's message. */
  timeoutMs: number;
  /** Outbound policy and DNS of each hop. */
  transport: Pick<ExchangeOptions, "allowPrivateNetwork" | "resolve" | "isAllowedAddress" | "signal">;
};

/** The last answer, its body unread, and whether the credential went with the request that produced it. */
export type FollowedExchange = { answer: Exchange; credentialSent: boolean; redirects: number };

/**
 * Performs a call and follows its redirects, rebuilding each hop from the caller's request:
 * the credential is injected again (OAuth 1 re-signed for the new method and URL) only when
 * the hop's host is one the service allows; to any other host the request goes without it,
 * and without the caller's Authorization and Cookie headers once it left the origin (Fetch
 * §4.4). A 307/308 keeps the caller's body, never a credential injected into it; 303, and
 * 301/302 after POST, continue as a bodiless GET. Every hop passes the outbound policy again.
 */
export async function followRedirects(prepared: PreparedRequest, policy: RedirectPolicy): Promise<FollowedExchange> {
  let current = prepared;
  for (let redirects = 0; ; redirects += 1) {
    const allowed = isUrlAllowed(policy.allowedHosts, current.url);
    let wire;
    try {
      wire = injectCredential(current, allowed ? policy.credential : null);
    } catch (error) {
      if (error instanceof OAuth1Error) throw new Invalid(error.message);
      throw error;
    }
    const host = new URL(current.url).host;
    const remaining = policy.deadline - Date.now();
    const timeout = () => new DomainError("upstream_timeout", `${host} did not answer within ${policy.timeoutMs} ms.`);
    if (remaining <= 0) throw timeout();
    let answer: Exchange;
    try {
      answer = await exchange({ ...policy.transport, ...wire, timeoutMs: remaining });
    } catch (error) {
      if (error instanceof OutboundTimeoutError) throw timeout();
      if (redirects > 0 && error instanceof OutboundBlockedError) {
        throw new DomainError("outbound_blocked", `Refused the redirect to ${host}: ${error.message}`);
      }
      throw error;
    }
    const done = { answer, credentialSent: allowed, redirects };
    const location = answer.headers.find(([name]) => name === "location")?.[1];
    if (!REDIRECT_STATUSES.has(answer.status) || location === undefined) return done;
    let target: URL;
    try {
      target = new URL(location, current.url);
    } catch {
      return done; // an unusable Location is the caller's to see
    }
    if (redirects >= policy.maxRedirects) {
      answer.discard();
      throw new DomainError("too_many_redirects", `${host} redirected more than ${policy.maxRedirects} times.`);
    }
    answer.discard();
    target.hash = "";
    let { method, headers, form, body } = current;
    const status = answer.status;
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
