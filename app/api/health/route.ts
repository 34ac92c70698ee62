/** GET /api/health (docs/architecture.md "Operating it"): the process is alive. Touches nothing, not even the database. */
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
