import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { REQUEST_ID_HEADER, requestIdFor } from "@/lib/observe/request-id";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "@/lib/server/security-headers";

/**
 * Paths the proxy lets through; their handlers check the session or token themselves (the one-time
 * link pages: the link's token). Everything else needs a session.
 */
const PUBLIC_PREFIXES = ["/sign-in", "/setup", "/invite", "/set-password", "/api/auth/", "/api/v1/", "/api/oauth/"];
/** The operators' endpoints (docs/architecture.md "Operating it"): probes and scrapers carry no session. */
const OPERATOR_PATHS = new Set(["/api/health", "/api/ready", "/api/metrics"]);
/** API routes that answer JSON or a consent page of their own: only the request id is added, no page policy. */
const API_ONLY_PREFIXES = ["/api/v1/", "/api/oauth/"];

/** Every page gets its own nonce and the strict policy (docs/security.md); redirects need neither. */
function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  response.headers.set("content-security-policy", csp);
  const hsts = strictTransportSecurity(env().APP_URL);
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export async function proxy(request: NextRequest) {
  // One id per request, given to the handler (its logs) and returned on the answer (docs/architecture.md "Operating it").
  const requestId = requestIdFor(request.headers);
  const response = await answer(request, requestId);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

async function answer(request: NextRequest, requestId: string): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (OPERATOR_PATHS.has(pathname) || API_ONLY_PREFIXES.some((p) => pathname.startsWith(p))) {
    const headers = new Headers(request.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    return NextResponse.next({ request: { headers } });
  }
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { development: env().NODE_ENV === "development" });
  // Next reads the nonce from the request's policy and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  const pass = () => withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp);

  if (PUBLIC_PREFIXES.some((p) => pathname === p.replace(/\/$/, "") || pathname.startsWith(p))) return pass();
  const token = await getToken({ req: request, secret: authSecret() });
  if (token) return pass();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "unauthenticated", message: "Sign in first" } }, { status: 401 });
  }
  const signIn = new URL("/sign-in", request.url);
  signIn.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Static files need no request id. POST /api/v1/invoke is answered by the custom server before Next (it sets the
  // request id itself); skipping the proxy there keeps calls cheap.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt|api/v1/invoke).*)"],
};
