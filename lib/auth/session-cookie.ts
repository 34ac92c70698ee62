import "server-only";
import { cookies } from "next/headers";
import { encode } from "next-auth/jwt";
import { authSecret } from "./secret";
import { SESSION_MAX_AGE_SECONDS, sessionCookieName } from "./session-token";

export type SessionSubject = {
  id: string;
  email: string;
  name: string;
  orgId: string;
  role: "admin" | "member";
  sessionEpoch: number;
};

/** A session token with the claims next-auth's jwt callback (lib/auth/options.ts) gives one. */
export function encodeSession(user: SessionSubject): Promise<string> {
  return encode({
    token: { sub: user.id, email: user.email, name: user.name, orgId: user.orgId, role: user.role, epoch: user.sessionEpoch },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

/**
 * Signs a user in from a server action, with the same cookie next-auth's own sign-in writes
 * (same name, encryption, claims and lifetime): after a one-time link (setup, invitation,
 * reset, admin:create) and to keep the current browser signed in after a password change
 * moved the user's session epoch on (docs/security.md "Sessions").
 */
export async function startSession(user: SessionSubject): Promise<void> {
  const token = await encodeSession(user);
  const name = sessionCookieName();
  const jar = await cookies();
  jar.set(name, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: name.startsWith("__Secure-"),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}
