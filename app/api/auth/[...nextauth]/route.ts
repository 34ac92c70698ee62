import NextAuth from "next-auth";
import { getDb } from "@/db";
import { resolveSsoSignIn } from "@/lib/accounts/sso";
import { withThrottleStatus } from "@/lib/api/sign-in-response";
import { authOptions } from "@/lib/auth/options";
import { ssoSettings } from "@/lib/env";

const resolveSso = async (claims: Record<string, unknown>) =>
  resolveSsoSignIn(await getDb(), claims, { org: ssoSettings()?.org, domains: ssoSettings()?.domains ?? [] });

// Options are built per request so that the secret and database are read only at run time, never at build.
async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  const response: Response = await NextAuth(request as never, context as never, authOptions({ resolveSso }));
  // A throttled password sign-in answers 429 (docs/security.md "Sign-in throttling").
  return request.method === "POST" && new URL(request.url).pathname.endsWith("/callback/credentials")
    ? withThrottleStatus(response)
    : response;
}

export { handler as GET, handler as POST };
