import { env } from "@/lib/env";
import { metricsResponse } from "@/lib/observe/metrics";

/** GET /api/metrics (docs/architecture.md "Operating it"): Prometheus text to Authorization: Bearer $CONNECTIONS_METRICS_TOKEN. */
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return metricsResponse(request.headers.get("authorization"), env().CONNECTIONS_METRICS_TOKEN);
}
