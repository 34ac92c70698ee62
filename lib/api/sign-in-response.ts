import "server-only";
import { TOO_MANY_ATTEMPTS } from "@/lib/auth/sign-in-throttle";

/** When a throttled sign-in may be tried again, from next-auth's error redirect, or undefined. */
function retryAtOf(url: string | null | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const error = new URL(url, "http://x").searchParams.get("error") ?? "";
    const [name, at] = error.split(":");
    return name === TOO_MANY_ATTEMPTS && Number(at) > 0 ? Number(at) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A throttled credentials sign-in answers 429 with Retry-After (docs/security.md "Sign-in
 * throttling"), for API clients; the body keeps next-auth's `url`, so its browser client
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
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
  const headers = new Headers(response.headers);
  headers.delete("location");
  headers.set("content-type", "application/json");
  headers.set("retry-after", String(retryAfterSeconds));
  const body = {
    url,
    error: {
      code: "too_many_attempts",
      message: `Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    },
  };
  return new Response(JSON.stringify(body), { status: 429, headers });
}
