import { buildOpenApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/env";

/** Read the environment at request time, never at build time. */
export const dynamic = "force-dynamic";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document of the public API. Public, no auth. */
export function GET() {
  return Response.json(buildOpenApiDocument(env().APP_URL), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}
