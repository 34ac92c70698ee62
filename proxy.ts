import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { authSecret } from "@/lib/auth/secret";

/** Paths the proxy lets through; their handlers check the session or token themselves. Everything else needs a session. */
const PUBLIC_PREFIXES = ["/sign-in", "/api/auth/", "/api/v1/", "/api/oauth/"];

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PREFIXES.some((p) => pathname === p.replace(/\/$/, "") || pathname.startsWith(p))) {
    return NextResponse.next();
  }
  const token = await getToken({ req: request, secret: authSecret() });
  if (token) return NextResponse.next();
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
