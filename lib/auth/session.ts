import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getServerSession } from "next-auth";
import { getDb } from "@/db";
import { Forbidden } from "@/lib/errors";
import { authOptions } from "./options";
import { loadActor, type Actor } from "./users";

/** The signed-in user for this request, re-read from the database so a deleted user loses access at once. */
export const currentActor = cache(async (): Promise<Actor | undefined> => {
  await connection(); // per-request: never prerender a page that depends on who is asking
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return undefined;
  return loadActor(await getDb(), session.user.id);
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
