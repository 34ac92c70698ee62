import "server-only";
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { Unauthenticated } from "@/lib/errors";
import { actorFromAccessToken } from "./access-tokens";
import { sessionActor } from "./request-actor";
import type { Actor } from "./users";

/** The public API accepts a personal access token (`Authorization: Bearer cxn_…`) or the browser session. */
export async function apiActor(request: NextRequest): Promise<Actor> {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match ? await actorFromAccessToken(await getDb(), match[1]) : undefined;
    if (!actor) throw new Unauthenticated("The access token is missing, malformed, unknown or revoked");
    return actor;
  }
  const actor = await sessionActor(request);
  if (!actor) throw new Unauthenticated("Send a personal access token as `Authorization: Bearer …`, or sign in");
  return actor;
}
