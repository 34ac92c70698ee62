import { describe, expect, it } from "vitest";
import { setupTestEnv } from "@/test/harness";
import { emitRefresh } from "@/lib/observe/events";

const TOKEN = "route-test-metrics-token-5e1f";
setupTestEnv({ env: { CONNECTIONS_METRICS_TOKEN: TOKEN } });
const { GET } = await import("./route");

const scrape = (authorization?: string) =>
  GET(new Request("http://127.0.0.1:3999/api/metrics", { headers: authorization ? { authorization } : {} }));

describe("GET /api/metrics", () => {
  it("answers 401 without the configured bearer token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer not-the-token-at-all")).status).toBe(401);
  });

  it("answers the Prometheus text with the token, counting events emitted after the first scrape", async () => {
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
    emitRefresh({
      at: new Date(),
      orgId: "o",
      connectionId: "c",
      service: "s",
      userId: "u",
      outcome: "failed",
      providerError: null,
    });
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^connections_token_refreshes_total\{outcome="failed"\} 1$/m);
  });
});
