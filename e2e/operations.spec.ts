import { expect, test } from "@playwright/test";
import { METRICS_TOKEN } from "./env";

/** The operators' endpoints (docs/architecture.md "Operating it"), as a probe or scraper without a session calls them. */

test("health and readiness answer JSON without a session", async ({ request }) => {
  const health = await request.get("/api/health", { maxRedirects: 0 });
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });

  const ready = await request.get("/api/ready", { maxRedirects: 0 });
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok", keyRing: "ok" } });
});

test("metrics answer Prometheus text to the bearer token only", async ({ request }) => {
  expect((await request.get("/api/metrics", { maxRedirects: 0 })).status()).toBe(401);
  const wrong = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}0` } });
  expect(wrong.status()).toBe(401);

  const scrape = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(scrape.status()).toBe(200);
  expect(scrape.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await scrape.text();
  expect(text).toMatch(/^# TYPE connections_invoke_requests_total counter$/m);
  expect(text).toMatch(/^# TYPE connections_invoke_duration_seconds histogram$/m);
  expect(text).toMatch(/^# TYPE connections_token_refreshes_total counter$/m);
  expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
});

test("every answer carries a request id: the caller's when it is safe, else a new one", async ({ request }) => {
  const kept = await request.get("/api/health", { headers: { "x-request-id": "probe-42" } });
  expect(kept.headers()["x-request-id"]).toBe("probe-42");

  const replaced = await request.get("/api/health", { headers: { "x-request-id": "not safe <script>" } });
  expect(replaced.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

  const page = await request.get("/sign-in");
  expect(page.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const redirect = await request.get("/connections", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const api = await request.get("/api/v1/openapi.json", { headers: { "x-request-id": "api-7" } });
  expect(api.headers()["x-request-id"]).toBe("api-7");
});
