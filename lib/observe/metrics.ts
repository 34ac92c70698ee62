import { createHash, timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors/codes";
import { onCall, onRefresh, type CallEvent, type RefreshEvent } from "./events";

/**
 * Prometheus metrics of docs/architecture.md "Operating it", filled from the events of
 * lib/observe/events.ts (never by the engine itself). One registry per process, on globalThis:
 * the custom server and Next's bundle are two module graphs that must count into the same one.
 */
export type Metrics = {
  registry: Registry;
  invokeRequests: Counter<"service" | "status">;
  invokeDuration: Histogram<"phase">;
  tokenRefreshes: Counter<"outcome">;
  /** The call log writer's own cost (lib/calls/call-log-writer.ts): one observation per batch written. */
  callLogWrite: Histogram;
  callLogRows: Counter<"outcome">;
};

const KEY = Symbol.for("connections.observe.metrics");

/** The status label: the upstream's status, else the status of the error the app answered with. */
export function statusLabel(event: Pick<CallEvent, "status" | "errorCode">): string {
  if (event.status !== null) return String(event.status);
  const code = event.errorCode as ErrorCode | null;
  return String(code && code in ERROR_STATUS ? ERROR_STATUS[code] : 500);
}

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const invokeRequests = new Counter({
    name: "connections_invoke_requests_total",
    help: "Calls through POST /api/v1/invoke, by service link name and the status answered (upstream or ours)",
    labelNames: ["service", "status"] as const,
    registers: [registry],
  });
  const invokeDuration = new Histogram({
    name: "connections_invoke_duration_seconds",
    help: "Time of one invoke call: in the app (phase=app) and waiting for the upstream (phase=upstream)",
    labelNames: ["phase"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tokenRefreshes = new Counter({
    name: "connections_token_refreshes_total",
    help: "Token renewals by outcome: refreshed, failed (kept for a retry) or needs_reauth",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const callLogWrite = new Histogram({
    name: "connections_call_log_write_seconds",
    help: "Time to write one batch of call log rows, waiting for the database included",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const callLogRows = new Counter({
    name: "connections_call_log_rows_total",
    help: "Calls and renewals the call log stored (outcome=written) or lost to a full buffer or a failed write (outcome=dropped); calls of connections deleted before the write are neither",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const metrics: Metrics = { registry, invokeRequests, invokeDuration, tokenRefreshes, callLogWrite, callLogRows };
  onCall((event) => recordCall(metrics, event));
  onRefresh((event) => recordRefresh(metrics, event));
  return metrics;
}

function recordCall(m: Metrics, event: CallEvent): void {
  m.invokeRequests.inc({ service: event.service, status: statusLabel(event) });
  m.invokeDuration.observe({ phase: "app" }, event.appMs / 1000);
  if (event.upstreamMs !== null) m.invokeDuration.observe({ phase: "upstream" }, event.upstreamMs / 1000);
}

function recordRefresh(m: Metrics, event: RefreshEvent): void {
  m.tokenRefreshes.inc({ outcome: event.outcome });
}

/** The process's metrics; the first call creates them and subscribes to the call and renewal events. */
export function metrics(): Metrics {
  const g = globalThis as unknown as Record<symbol, Metrics | undefined>;
  return (g[KEY] ??= create());
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Whether an Authorization header carries the metrics token; compared in constant time (both sides hashed to one length). */
export function isMetricsTokenAccepted(authorization: string | null, configured: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const given = match?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(configured)) && given.length > 0;
}

/**
 * GET /api/metrics: 404 when CONNECTIONS_METRICS_TOKEN is unset (the endpoint does not exist),
 * 401 without the right bearer token, else the Prometheus text exposition.
 */
export async function metricsResponse(authorization: string | null, configured: string | undefined): Promise<Response> {
  const headers = { "cache-control": "no-store" };
  if (!configured) {
    return Response.json({ error: { code: "not_found", message: "Not found" } }, { status: 404, headers });
  }
  if (!isMetricsTokenAccepted(authorization, configured)) {
    return Response.json(
      { error: { code: "unauthenticated", message: "Send Authorization: Bearer <CONNECTIONS_METRICS_TOKEN>" } },
      { status: 401, headers: { ...headers, "www-authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { status: 200, headers: { ...headers, "content-type": registry.contentType } });
}
