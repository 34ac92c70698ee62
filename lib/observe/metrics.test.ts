import { describe, expect, it } from "vitest";
import { emitCall, emitRefresh, type CallEvent, type RefreshEvent } from "./events";
import { isMetricsTokenAccepted, metrics, metricsResponse, statusLabel } from "./metrics";

type Sample = { name: string; labels: Record<string, string>; value: number };

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a comment, blank, or one
 * sample (values as Go's ParseFloat reads them, so NaN and Inf in any case).
 */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.]+(?:e[+-]?\d+)?|nan|[+-]?inf))(?: \d+)?$/i;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ")) continue;
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      expect(["counter", "gauge", "histogram", "summary", "untyped"]).toContain(type);
      types.set(name!, type!);
      continue;
    }
    const m = sample.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      label.lastIndex = 0;
      let consumed = 0;
      for (let l = label.exec(m[2]); l; l = label.exec(m[2])) {
        labels[l[1]!] = l[2]!;
        consumed = label.lastIndex;
      }
      if (consumed !== m[2].length) throw new Error(`malformed labels: ${line}`);
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const call = (over: Partial<CallEvent>): CallEvent => ({
  at: new Date(),
  orgId: "o",
  connectionId: "c",
  service: "github",
  callerId: "u",
  credentialUserId: "u",
  method: "GET",
  host: "api.github.com",
  path: "/user",
  status: 200,
  errorCode: null,
  appMs: 2,
  upstreamMs: 40,
  responseBytes: 10,
  ...over,
});

describe("metrics", () => {
  it("counts the events of lib/observe/events.ts and exposes them with the process metrics as Prometheus text", async () => {
    metrics();
    emitCall(call({}));
    emitCall(call({ appMs: 3, upstreamMs: 700 }));
    emitCall(call({ service: "slack", status: 404, appMs: 1, upstreamMs: 20 }));
    emitCall(call({ status: null, errorCode: "upstream_timeout", appMs: 4, upstreamMs: null }));
    emitCall(call({ status: null, errorCode: "needs_reauth", appMs: 1, upstreamMs: null }));
    const refresh = (outcome: RefreshEvent["outcome"], providerError: string | null = null) =>
      emitRefresh({ at: new Date(), orgId: "o", connectionId: "c", service: "github", userId: "u", outcome, providerError });
    refresh("refreshed");
    refresh("refreshed");
    refresh("needs_reauth", "invalid_grant");

    const response = await metricsResponse("Bearer the-metrics-token-1234", "the-metrics-token-1234");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(await response.text());

    expect(types.get("connections_invoke_requests_total")).toBe("counter");
    expect(value(samples, "connections_invoke_requests_total", { service: "github", status: "200" })).toBe(2);
    expect(value(samples, "connections_invoke_requests_total", { service: "slack", status: "404" })).toBe(1);
    expect(value(samples, "connections_invoke_requests_total", { service: "github", status: "504" })).toBe(1);
    expect(value(samples, "connections_invoke_requests_total", { service: "github", status: "409" })).toBe(1);

    expect(types.get("connections_invoke_duration_seconds")).toBe("histogram");
    expect(value(samples, "connections_invoke_duration_seconds_count", { phase: "app" })).toBe(5);
    expect(value(samples, "connections_invoke_duration_seconds_count", { phase: "upstream" })).toBe(3);
    expect(value(samples, "connections_invoke_duration_seconds_sum", { phase: "upstream" })).toBeCloseTo(0.76, 6);
    expect(value(samples, "connections_invoke_duration_seconds_bucket", { phase: "upstream", le: "0.5" })).toBe(2);
    expect(value(samples, "connections_invoke_duration_seconds_bucket", { phase: "upstream", le: "+Inf" })).toBe(3);
    expect(value(samples, "connections_invoke_duration_seconds_bucket", { phase: "app", le: "0.0025" })).toBe(3);

    expect(value(samples, "connections_token_refreshes_total", { outcome: "refreshed" })).toBe(2);
    expect(value(samples, "connections_token_refreshes_total", { outcome: "needs_reauth" })).toBe(1);

    expect(types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(types.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("keeps one registry per process, so a second module graph counts into the same one", () => {
    expect(metrics()).toBe(metrics());
  });

  it("labels a call the app answered with the status of its error code", () => {
    expect(statusLabel({ status: null, errorCode: "host_not_allowed" })).toBe("400");
    expect(statusLabel({ status: null, errorCode: null })).toBe("500");
    expect(statusLabel({ status: 201, errorCode: null })).toBe("201");
  });
});

describe("GET /api/metrics access", () => {
  const token = "s3cret-metrics-token-0001";

  it("is not found when CONNECTIONS_METRICS_TOKEN is unset, whatever the caller sends", async () => {
    expect((await metricsResponse(null, undefined)).status).toBe(404);
    expect((await metricsResponse(`Bearer ${token}`, undefined)).status).toBe(404);
  });

  it("refuses a missing, wrong or differently shaped token with 401 and never echoes it", async () => {
    for (const header of [null, "", "Bearer", `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token]) {
      const response = await metricsResponse(header, token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(token);
    }
  });

  it("accepts the exact bearer token", () => {
    expect(isMetricsTokenAccepted(`Bearer ${token}`, token)).toBe(true);
    expect(isMetricsTokenAccepted(`bearer ${token}`, token)).toBe(true);
    expect(isMetricsTokenAccepted(`Bearer ${token.toUpperCase()}`, token)).toBe(false);
  });
});
