import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { authSecret } from "./secret";
import { loadActor, type Actor } from "./users";

/** The actor behind a route handler request's session cookie, or undefined. */
export async function sessionActor(request: NextRequest): Promise<Actor | undefined> {
  const token = await getToken({ req: request, secret: authSecret() });
  if (!token?.sub) return undefined;
  return loadActor(await getDb(), token.sub, typeof token.epoch === "number" ? token.epoch : 0);
}
