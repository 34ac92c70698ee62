/** The summary page's snippets call a URL the connection can reach: a custom service's own host, not a placeholder. */
import { describe, expect, it } from "vitest";
import { exampleUrlFor } from "./snippets";

describe("exampleUrlFor", () => {
  it("uses the base URL and check path of a default service", () => {
    expect(exampleUrlFor({ baseUrl: "https://api.github.com/", verifyPath: "/user" })).toBe("https://api.github.com/user");
    expect(exampleUrlFor({ baseUrl: "https://api.github.com" })).toBe("https://api.github.com/");
  });

  it("uses the first plain host a custom service's credential may go to", () => {
    expect(exampleUrlFor({ hosts: ["*.example.org", "api.acme.test"] })).toBe("https://api.acme.test/");
  });

  it("falls back to a placeholder only when nothing is known", () => {
    expect(exampleUrlFor({ hosts: ["*.example.org"] })).toBe("https://api.example.com/");
    expect(exampleUrlFor({})).toBe("https://api.example.com/");
  });
});
