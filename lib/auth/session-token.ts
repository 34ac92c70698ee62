import "server-only";
import { decode } from "next-auth/jwt";
import { authSecret } from "./secret";

/**
 * The next-auth session cookie outside Next (the data plane, docs/architecture.md "The data
 * plane"): found by the name next-auth gives it (the `__Secure-` one behind https), joined
 * when next-auth split it into chunks (`name.0`, `name.1`, …), and decoded with the same
 * secret. What the session may do is decided by lib/auth, as for every other request.
 */
export function sessionCookieName(): string {
  return process.env.NEXTAUTH_URL?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

function parseCookies(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** The raw session token in a Cookie header, or undefined. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const cookies = parseCookies(cookieHeader);
  const name = sessionCookieName();
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i += 1) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? chunks.join("") : undefined;
}

/** `epoch`: the user's session epoch at sign-in (docs/security.md "Sessions"); 0 in sessions issued before epochs. */
export type SessionClaims = { sub: string; issuedAt: number; expiresAt: number; epoch: number };

/** The claims of a session token, or undefined when it is not one of ours or has expired. */
export async function decodeSessionToken(token: string): Promise<SessionClaims | undefined> {
  try {
    const claims = await decode({ token, secret: authSecret() });
    if (!claims || typeof claims.sub !== "string") return undefined;
    const exp = typeof claims.exp === "number" ? claims.exp * 1000 : 0;
    if (exp <= Date.now()) return undefined;
    const iat = typeof claims.iat === "number" ? claims.iat * 1000 : 0;
    const epoch = typeof claims.epoch === "number" && Number.isInteger(claims.epoch) ? claims.epoch : 0;
    return { sub: claims.sub, issuedAt: iat, expiresAt: exp, epoch };
  } catch {
    return undefined;
  }
}

/** How long a session lasts (docs/security.md "Sessions"). */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
