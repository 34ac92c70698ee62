import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "@/db";
import { Forbidden } from "@/lib/errors";
import { decodeSessionToken, sessionTokenFrom } from "./session-token";
import { loadActor, type Actor } from "./users";

/** The session cookie of this request, as next-auth wrote it (whole or in chunks). */
async function requestSessionToken(): Promise<string | undefined> {
  const jar = await cookies();
  const header = jar
    .getAll()
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join("; ");
  return sessionTokenFrom(header);
}

/**
 * The signed-in user for this request, re-read from the database so a removed user loses
 * access at once, and refused when the session's epoch is not the user's current one
 * (signed out everywhere, or the password changed: docs/security.md "Sessions").
 */
export const currentActor = cache(async (): Promise<Actor | undefined> => {
  await connection(); // per-request: never prerender a page that depends on who is asking
  const token = await requestSessionToken();
  const claims = token ? await decodeSessionToken(token) : undefined;
  if (!claims) return undefined;
  return loadActor(await getDb(), claims.sub, claims.epoch);
});

/** For pages: the actor, or a redirect to sign-in. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  return actor;
}

export function assertAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw new Forbidden("Only an admin of the organization can do that");
}
