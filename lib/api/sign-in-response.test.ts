/**
 * The credentials callback's answer for API clients (docs/security.md "Sign-in throttling"):
 * a throttled sign-in and one refused because password hashing is saturated answer 429 with
 * Retry-After, keeping next-auth's `url`; any other answer passes unchanged.
 */
import { describe, expect, it } from "vitest";
import { withThrottleStatus } from "./sign-in-response";

const nextAuthAnswer = (url: string) =>
  new Response(JSON.stringify({ url }), { status: 200, headers: { "content-type": "application/json" } });

describe("the sign-in answer", () => {
  it("is 429 with a short Retry-After when the server is busy", async () => {
    const res = await withThrottleStatus(nextAuthAnswer("http://app/sign-in?error=ServerBusy"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({
      url: "http://app/sign-in?error=ServerBusy",
      error: { code: "busy", message: "The server is busy. Try again in a moment." },
    });
  });

  it("is 429 with the window's Retry-After when throttled, and unchanged otherwise", async () => {
    const at = Date.now() + 120_000;
    const res = await withThrottleStatus(nextAuthAnswer(`http://app/sign-in?error=TooManyAttempts:${at}`));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(119);
    // The same words as the sign-in page and Settings → Account.
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: "too_many_attempts",
      message: "Too many attempts. Try again in 2 minutes.",
    });
    const wrong = nextAuthAnswer("http://app/sign-in?error=CredentialsSignin");
    expect(await withThrottleStatus(wrong)).toBe(wrong);
  });
});
