import { describe, expect, it } from "vitest";
import { setupTestEnv } from "@/test/harness";

// A process of its own (vitest runs each file in one): env() is read once, here without a metrics token.
setupTestEnv();
delete process.env.CONNECTIONS_METRICS_TOKEN;
const { GET } = await import("./route");

describe("GET /api/metrics without CONNECTIONS_METRICS_TOKEN", () => {
  it("does not exist, whatever the caller sends", async () => {
    for (const authorization of [undefined, "Bearer anything-at-all-123456"]) {
      const request = new Request("http://127.0.0.1:3999/api/metrics", { headers: authorization ? { authorization } : {} });
      expect((await GET(request)).status).toBe(404);
    }
  });
});
