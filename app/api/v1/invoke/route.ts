import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { apiActor } from "@/lib/auth/api-actor";
import { errorBody } from "@/lib/api/error-response";
import { assertCookieCallAllowed, parseInvokeJson, readCappedBody } from "@/lib/api/data-plane";
import { sessionTokenFrom } from "@/lib/auth/session-token";
import { env } from "@/lib/env";
import { invokeResultToResponse } from "@/lib/api/invoke-response";
import { invokeConnection } from "@/lib/invoke/invoke";
import { errorName, requestLogger } from "@/lib/observe/logger";
import type { InvokeRequestInput } from "@/lib/validation/invoke";

/**
 * POST /api/v1/invoke (docs/product.md §7) when Next serves it: only under `next dev` /
 * `next start`, or before the data plane is registered; `npm start` answers it in plain
 * Node (lib/api/data-plane.ts, docs/architecture.md "The data plane"). Same rules: the
 * cookie only from our origin with JSON, the request body capped. The engine validates the body.
 */
export async function POST(request: NextRequest) {
  try {
    const e = env();
    if (!request.headers.get("authorization") && sessionTokenFrom(request.headers.get("cookie") ?? undefined)) {
      assertCookieCallAllowed(request.headers.get("origin"), request.headers.get("content-type"), new URL(e.APP_URL).origin);
    }
    const actor = await apiActor(request);
    const raw = await readCappedBody(
      request.body as AsyncIterable<Uint8Array> | null,
      request.headers.get("content-length"),
      e.CONNECTIONS_INVOKE_MAX_REQUEST_BYTES,
    );
    const json = parseInvokeJson(raw);
    // Untrusted JSON: invokeConnection parses it with invokeRequestSchema before anything else.
    const result = await invokeConnection(await getDb(), actor, json as InvokeRequestInput);
    return invokeResultToResponse(result);
  } catch (error) {
    const { status, body } = errorBody(error);
    if (status === 500) requestLogger(request.headers).error({ error: errorName(error) }, "invoke failed");
    return NextResponse.json(body, { status, headers: { "cache-control": "no-store", "x-connections-error": "1" } });
  }
}
