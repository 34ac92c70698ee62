import "server-only";
import type { InvokeResult } from "@/lib/invoke/invoke";

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
 * The upstream's headers that a caller of invoke receives: all but hop-by-hop ones and those
 * that would act on our own origin (cookies, CORS, HSTS, CSP, Clear-Site-Data), plus a
 * sandbox CSP and nosniff so that HTML from an API never runs as our page.
 */
export function passedOnHeaders(upstream: ReadonlyArray<[string, string]>): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of upstream) {
    if (NOT_PASSED_ON.has(name) || name.startsWith("access-control-")) continue;
    headers.push([name, value]);
  }
  headers.push(["content-security-policy", "sandbox"], ["x-content-type-options", "nosniff"]);
  return headers;
}

/**
 * The HTTP answer of `POST /api/v1/invoke` for a result: the upstream status, headers and
 * bytes as they came, except hop-by-hop headers and those that would act on our own origin
 * (cookies, CORS, HSTS, CSP, Clear-Site-Data); the body is sandboxed so that HTML from an
 * API never runs as our page. `detailed` answers JSON.
 */
export function invokeResultToResponse(result: InvokeResult): Response {
  if (result.kind === "detailed") return Response.json(result.detailed);
  const headers = new Headers();
  for (const [name, value] of passedOnHeaders(result.headers)) headers.append(name, value);
  const nullBody = result.status === 204 || result.status === 304 || (result.status >= 100 && result.status < 200);
  return new Response(nullBody ? null : new Uint8Array(result.body), { status: result.status, headers });
}
