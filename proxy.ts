import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "@/lib/server/security-headers";

/** Paths the proxy lets through; their handlers check the session or token themselves. Everything else needs a session. */
const PUBLIC_PREFIXES = ["/sign-in", "/api/auth/", "/api/v1/", "/api/oauth/"];

/** Every page gets its own nonce and the strict policy (docs/security.md); redirects need neither. */
function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  response.headers.set("content-security-policy", csp);
  const hsts = strictTransportSecurity(env().APP_URL);
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { development: env().NODE_ENV === "development" });
  // Next reads the nonce from the request's policy and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
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
  // The public API and the OAuth routes authenticate in their handlers; skipping the proxy keeps calls cheap.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt|api/v1/|api/oauth/).*)"],
};
