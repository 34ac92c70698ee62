import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { z } from "zod";
import { getDb } from "@/db";
import { EMAIL_MAX } from "@/lib/validation/accounts";
import { sameOriginPath } from "@/lib/validation/callback-url";
import { authSecret } from "./secret";
import { errorName, logger } from "@/lib/observe/logger";
import { ssoSettings } from "@/lib/env";
import type { SessionSubject } from "./session-cookie";
import { appSignInThrottle, clientAddress } from "./sign-in-throttle";
import { signInWithPassword } from "./password-sign-in";
import { SESSION_MAX_AGE_SECONDS } from "./session-token";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(EMAIL_MAX).pipe(z.email()),
  password: z.string().min(1).max(1024),
});

/** The ID token's claims of a single sign-on, and our user they stand for (or why not). */
export type SsoResolver = (
  claims: Record<string, unknown>,
) => Promise<{ ok: true; subject: SessionSubject } | { ok: false; reason: string }>;

/** next-auth's OpenID Connect provider for "Sign in with SSO": discovery, PKCE, state, nonce, `iss` checked. */
function ssoProvider(sso: NonNullable<ReturnType<typeof ssoSettings>>): Provider {
  return {
    id: "oidc",
    name: "SSO",
    type: "oauth",
    wellKnown: `${sso.issuer}/.well-known/openid-configuration`,
    clientId: sso.clientId,
    clientSecret: sso.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    // Replaced by our own user in the signIn callback; the provider's subject is never a user id here.
    profile: (profile: { sub: string; email?: string; name?: string }) =>
      ({
        id: profile.sub,
        email: profile.email ?? "",
        name: profile.name ?? "",
        orgId: "",
        role: "member",
        sessionEpoch: 0,
      }) as never,
  };
}

export function authOptions(options: { resolveSso?: SsoResolver } = {}): NextAuthOptions {
  const sso = ssoSettings();
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    // next-auth's own messages as JSON lines: its code and the error's class, never its metadata (it may hold tokens).
    logger: {
      error: (code, metadata) =>
        logger().error({ code, error: errorName(metadata instanceof Error ? metadata : metadata?.error) }, "next-auth error"),
      warn: (code) => logger().warn({ code }, "next-auth warning"),
      debug: (code) => logger().debug({ code }, "next-auth debug"),
    },
    providers: [
      ...(sso && options.resolveSso ? [ssoProvider(sso)] : []),
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const address = clientAddress(req?.headers?.["x-forwarded-for"]);
          // Counted before any password work: parallel guesses cannot outrun the count (docs/security.md "Sign-in throttling").
          return signInWithPassword(await getDb(), await appSignInThrottle(), { email, password, address });
        },
      }),
    ],
    callbacks: {
      // A single sign-on becomes our user, or is refused with a code the sign-in page explains.
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        if (!options.resolveSso || !profile) return "/sign-in?error=SsoRefused";
        const outcome = await options.resolveSso(profile as Record<string, unknown>);
        if (!outcome.ok) return `/sign-in?error=${outcome.reason === "unverified" ? "SsoUnverified" : "SsoRefused"}`;
        // next-auth hands this same object to the jwt callback: from here on it is our user.
        Object.assign(user, outcome.subject);
        return true;
      },
      // next-auth's own redirects (after sign-in or sign-out) stay on our origin.
      async redirect({ url, baseUrl }) {
        if (url.startsWith("/")) return `${baseUrl}${sameOriginPath(url, "/")}`;
        try {
          return new URL(url).origin === new URL(baseUrl).origin ? url : baseUrl;
        } catch {
          return baseUrl;
        }
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.orgId = user.orgId;
          token.role = user.role;
          token.epoch = user.sessionEpoch;
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: token.sub ?? "",
          email: token.email ?? "",
          name: token.name ?? "",
          orgId: token.orgId,
          role: token.role,
        };
        return session;
      },
    },
  };
}
