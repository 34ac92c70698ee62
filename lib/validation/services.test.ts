/** "Allowed hosts" takes what a user pastes — a URL, host:port, capitals — as the host it names, and still refuses what is no host. */
import { describe, expect, it } from "vitest";
import { allowedHostsSchema, hostOfEntry } from "./services";

describe("Allowed hosts", () => {
  it("reads a pasted URL, a port, capitals or a trailing dot as the host", () => {
    expect(hostOfEntry("https://API.Example.com:8443/v1/items?x=1")).toBe("api.example.com");
    expect(hostOfEntry("http://127.0.0.1:4567")).toBe("127.0.0.1");
    expect(hostOfEntry("127.0.0.1:4567")).toBe("127.0.0.1");
    expect(hostOfEntry("api.example.com/v2")).toBe("api.example.com");
    expect(hostOfEntry(" api.example.com. ")).toBe("api.example.com");
    expect(hostOfEntry("[::1]:8080")).toBe("[::1]");
    expect(hostOfEntry("http://[::1]:8080/")).toBe("[::1]");
    expect(hostOfEntry("*.example.com")).toBe("*.example.com");
    expect(allowedHostsSchema.parse(["http://127.0.0.1:4567", "*.Example.com"])).toEqual(["127.0.0.1", "*.example.com"]);
  });

  it("still refuses what names no host", () => {
    for (const entry of ["*.com", "exa mple.com", "user@host", "*foo.example.com", "https://"]) {
      expect(allowedHostsSchema.safeParse([entry]).success, entry).toBe(false);
    }
  });
});
