import { getDb } from "@/db";
import { requestLogger } from "@/lib/observe/logger";
import { keyRing } from "@/lib/secrets/key-ring";
import { checkReadiness, readinessBody } from "@/lib/server/readiness";

/** GET /api/ready (docs/architecture.md "Operating it"): database, migrations and key ring; 503 names what failed. */
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const readiness = await checkReadiness({ db: getDb, keyRing });
  const { status, body } = readinessBody(readiness);
  // The reasons may name hosts or files: the log gets them, the unauthenticated caller does not.
  if (status !== 200) requestLogger(request.headers).warn({ checks: readiness.checks, reasons: readiness.reasons }, "not ready");
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
