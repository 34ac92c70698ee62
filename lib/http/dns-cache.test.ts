import { describe, expect, it } from "vitest";
import { cachingResolver, type Resolver } from "./dns-cache";

function countingResolver(answer: () => Promise<Array<{ address: string; family: 4 | 6 }>>) {
  const asked: string[] = [];
  const resolve: Resolver = (hostname) => {
    asked.push(hostname);
    return answer();
  };
  return { asked, resolve };
}

describe("cachingResolver", () => {
  it("asks once for a name looked up many times at once and soon after", async () => {
    const { asked, resolve } = countingResolver(async () => [{ address: "93.184.216.34", family: 4 }]);
    const cached = cachingResolver(resolve);
    const all = await Promise.all(Array.from({ length: 20 }, () => cached("api.example.com")));
    await cached("API.example.com");
    expect(asked).toEqual(["api.example.com"]);
    expect(all.every((answer) => answer[0].address === "93.184.216.34")).toBe(true);
  });

  it("asks again once the answer is older than its TTL", async () => {
    const { asked, resolve } = countingResolver(async () => [{ address: "93.184.216.34", family: 4 }]);
    const cached = cachingResolver(resolve, { ttlMs: 10 });
    await cached("api.example.com");
    await new Promise((r) => setTimeout(r, 30));
    await cached("api.example.com");
    expect(asked).toHaveLength(2);
  });

  it("does not keep a failure", async () => {
    let fail = true;
    const { asked, resolve } = countingResolver(async () => {
      if (fail) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
      return [{ address: "93.184.216.34", family: 4 }];
    });
    const cached = cachingResolver(resolve);
    await expect(cached("api.example.com")).rejects.toThrow("ENOTFOUND");
    fail = false;
    expect((await cached("api.example.com"))[0].address).toBe("93.184.216.34");
    expect(asked).toHaveLength(2);
  });
});
