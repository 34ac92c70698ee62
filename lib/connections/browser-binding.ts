import "server-only";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * A random value in an HttpOnly cookie that ties a consent flow to the browser that
 * started it: a callback URL replayed in another browser or session fails.
 */
export const BINDING_COOKIE = "connections_oauth_binding";

export function newBinding(): string {
  return randomBytes(32).toString("base64url");
}

export function bindingCookie(value: string) {
  return {
    name: BINDING_COOKIE,
    value,
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET navigation, which carries it.
    sameSite: "lax" as const,
    secure: env().APP_URL.startsWith("https://"),
    path: "/api/oauth",
    maxAge: 60 * 60,
  };
}
