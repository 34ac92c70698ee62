/**
 * The request rules the data plane and the fallback route share: the session cookie only
 * from APP_URL's origin with a JSON body (403 / 415), and the request body capped (413).
 */
import { describe, expect, it } from "vitest";
import { errorBody } from "./error-response";
import { assertCookieCallAllowed, readCappedBody } from "./data-plane";

const APP = "http://127.0.0.1:3999";

function refusal(run: () => unknown): { status: number; code: string } {
  try {
    run();
  } catch (error) {
    const { status, body } = errorBody(error);
    return { status, code: body.error.code };
  }
  throw new Error("expected a refusal");
}

async function* chunks(...parts: string[]) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe("cookie-authenticated invoke", () => {
  it("is allowed from our own origin with a JSON body", () => {
    expect(() => assertCookieCallAllowed(APP, "application/json; charset=utf-8", APP)).not.toThrow();
  });
  it("is refused (403) from another origin, a same-site one or none", () => {
    for (const origin of ["https://evil.example", "http://127.0.0.1:4000", undefined, null, "null"]) {
      expect(refusal(() => assertCookieCallAllowed(origin, "application/json", APP))).toEqual({ status: 403, code: "forbidden" });
    }
  });
  it("is refused (415) without application/json, as a form post would send it", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      expect(refusal(() => assertCookieCallAllowed(APP, type, APP))).toEqual({ status: 415, code: "unsupported_media_type" });
    }
  });
});

describe("request body cap", () => {
  it("reads a body within the cap, in pieces", async () => {
    expect((await readCappedBody(chunks("ab", "cd"), "4", 4)).toString()).toBe("abcd");
    expect((await readCappedBody(null, undefined, 4)).length).toBe(0);
  });
  it("refuses (413) a declared length over the cap before reading, and a streamed body once it passes the cap", async () => {
    await expect(readCappedBody(chunks("x"), "5", 4)).rejects.toMatchObject({ code: "request_too_large" });
    await expect(readCappedBody(chunks("abc", "de"), undefined, 4)).rejects.toMatchObject({ code: "request_too_large" });
    expect(errorBody(await readCappedBody(chunks("abcde"), null, 4).catch((e: unknown) => e)).status).toBe(413);
  });
});
