import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./callback-url";

describe("sameOriginPath (sign-in callbackUrl)", () => {
  it.each([
    "/%09/evil.com",
    "/\t/evil.com",
    "//evil.com",
    "/\\evil.com",
    "/%5Cevil.com",
    "/%2F%2Fevil.com",
    "https://evil.com/connections",
    "javascript:alert(1)",
    "evil.com",
    "/\n/evil.com",
  ])("refuses %j, which a browser would read as another origin", (value) => {
    expect(sameOriginPath(value)).toBe("/connections");
  });

  it.each([
    ["/connections", "/connections"],
    ["/connections/abc?tab=shared#x", "/connections/abc?tab=shared#x"],
    ["/settings/tokens", "/settings/tokens"],
  ])("keeps the same-origin path %j", (value, expected) => {
    expect(sameOriginPath(value)).toBe(expected);
  });

  it("takes the first of repeated parameters, and the default without one", () => {
    expect(sameOriginPath(["/console", "//evil.com"])).toBe("/console");
    expect(sameOriginPath(undefined)).toBe("/connections");
  });
});
