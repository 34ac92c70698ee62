import "server-only";
import { SERVER_BUSY } from "@/lib/auth/password-sign-in";
import { SERVER_BUSY_MESSAGE, tooManyAttemptsMessage } from "@/lib/errors/messages";
import { TOO_MANY_ATTEMPTS } from "@/lib/auth/sign-in-throttle";

/** A busy server (password hashing saturated) asks to be tried again this much later. */
const BUSY_RETRY_MS = 5_000;

/** When a throttled (or refused as busy) sign-in may be tried again, from next-auth's error redirect, or undefined. */
function retryAtOf(url: string | null | undefined): { at: number; busy: boolean } | undefined {
  if (!url) return undefined;
  try {
    const error = new URL(url, "http://x").searchParams.get("error") ?? "";
    const [name, at] = error.split(":");
    if (name === SERVER_BUSY) return { at: Date.now() + BUSY_RETRY_MS, busy: true };
    return name === TOO_MANY_ATTEMPTS && Number(at) > 0 ? { at: Number(at), busy: false } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A throttled credentials sign-in answers 429 with Retry-After (docs/security.md "Sign-in
 * throttling"), and so does one refused because the server is busy hashing passwords, for API clients; the body keeps next-auth's `url`, so its browser client
 * still reads the error (and when to try again) from it. Any other answer passes unchanged.
 */
export async function withThrottleStatus(response: Response): Promise<Response> {
  const isJson = response.headers.get("content-type")?.includes("application/json");
  const url = isJson
    ? (
        (await response
          .clone()
          .json()
          .catch(() => undefined)) as { url?: string } | undefined
      )?.url
    : response.headers.get("location");
  const retryAt = retryAtOf(url);
  if (retryAt === undefined) return response;
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt.at - Date.now()) / 1000));
  const headers = new Headers(response.headers);
  headers.delete("location");
  headers.set("content-type", "application/json");
  headers.set("retry-after", String(retryAfterSeconds));
  const body = {
    url,
    error: retryAt.busy
      ? { code: "busy", message: SERVER_BUSY_MESSAGE }
      : { code: "too_many_attempts", message: tooManyAttemptsMessage(retryAfterSeconds * 1000) },
  };
  return new Response(JSON.stringify(body), { status: 429, headers });
}
