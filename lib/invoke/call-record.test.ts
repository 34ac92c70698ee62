/**
 * What the call log keeps of a call's URL (docs/product.md §10): the credential's own query
 * values masked, and nothing longer than MAX_LOGGED_PATH.
 */
import { describe, expect, it } from "vitest";
import { loggedPath, MASK, MAX_LOGGED_PATH } from "./call-record";

const apiKey = {
  authType: "api_key" as const,
  apiKey: { params: [{ name: "API_Key", displayName: "Key", paramType: "query" as const }] },
};

describe("loggedPath", () => {
  it("masks the values of the credential's own query parameters, whatever their case, and keeps the rest", () => {
    const url = new URL("https://api.example.com/v1/items?api_key=s3cret&page=2&API_KEY=again");
    expect(loggedPath(url, apiKey)).toBe(`/v1/items?api_key=${MASK}&page=2&API_KEY=${MASK}`);
    expect(loggedPath(new URL("https://api.example.com/me?access_token=t0ken"), { authType: "oauth2" })).toBe(
      `/me?access_token=${MASK}`,
    );
  });

  it("cuts a path longer than the limit short, ending in the mark", () => {
    const url = new URL(`https://api.example.com/${"a".repeat(8_000)}?q=1`);
    const logged = loggedPath(url, apiKey);
    expect(logged).toHaveLength(MAX_LOGGED_PATH);
    expect(logged.startsWith("/aaaa")).toBe(true);
    expect(logged.endsWith(MASK)).toBe(true);
  });

  it("keeps a path of exactly the limit whole", () => {
    const path = `/${"b".repeat(MAX_LOGGED_PATH - 1)}`;
    expect(loggedPath(new URL(`https://api.example.com${path}`), apiKey)).toBe(path);
  });
});
