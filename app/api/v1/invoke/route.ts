import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { apiActor } from "@/lib/auth/api-actor";
import { errorBody } from "@/lib/api/error-response";
import { Invalid } from "@/lib/errors";
import { invokeResultToResponse } from "@/lib/api/invoke-response";
import { invokeConnection } from "@/lib/invoke/invoke";
import { errorName, requestLogger } from "@/lib/observe/logger";
import type { InvokeRequestInput } from "@/lib/validation/invoke";

/** POST /api/v1/invoke (docs/product.md §7): call an API through a connection. The engine validates the body. */
export async function POST(request: NextRequest) {
  try {
    const actor = await apiActor(request);
    let json: unknown;
    try {
      json = await request.json();
    } catch {
      throw new Invalid("The request body must be JSON: { connection, url, method, parameters?, headers?, body?, detailed? }");
    }
    // Untrusted JSON: invokeConnection parses it with invokeRequestSchema before anything else.
    const result = await invokeConnection(await getDb(), actor, json as InvokeRequestInput);
    return invokeResultToResponse(result);
  } catch (error) {
    const { status, body } = errorBody(error);
    if (status === 500) requestLogger(request.headers).error({ error: errorName(error) }, "invoke failed");
    return NextResponse.json(body, { status, headers: { "cache-control": "no-store", "x-connections-error": "1" } });
  }
}
