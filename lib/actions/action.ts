import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb, type Db } from "@/db";
import { DomainError } from "@/lib/errors";
import { errorName, logger, requestLogger } from "@/lib/observe/logger";
import { currentActor } from "@/lib/auth/session";
import type { Actor } from "@/lib/auth/users";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

/**
 * The one authenticated entry for every server action: loads the actor, parses the
 * input with the shared schema, and maps domain errors to form errors. Unknown errors
 * are logged by name only and answered generically, so nothing secret can leak.
 */
/** The logger with the request id proxy.ts gave the action's POST. */
async function actionLogger() {
  try {
    return requestLogger(await headers());
  } catch {
    return logger(); // called outside a request (a script or a test)
  }
}

export function action<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { actor: Actor; db: Db }) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    const actor = await currentActor();
    if (!actor) return { ok: false, message: "Your session has ended. Sign in again." };
    return run(schema, input, (parsed, db) => handler(parsed, { actor, db }), actor.id);
  };
}

/**
 * The entry of the few actions that run before anyone is signed in: a one-time link
 * (setup, invitation, password reset, sign-in link) is their only credential, and the
 * handler checks it. Same parsing and error mapping as `action`.
 */
export function linkAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { db: Db }) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return (input) => run(schema, input, (parsed, db) => handler(parsed, { db }), undefined);
}

async function run<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  handler: (input: z.infer<S>, db: Db) => Promise<T>,
  userId: string | undefined,
): Promise<ActionResult<T>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error);
    return {
      ok: false,
      message: flat.formErrors[0] ?? "Some fields need attention",
      fieldErrors: flat.fieldErrors as Record<string, string[]>,
    };
  }
  try {
    return { ok: true, data: await handler(parsed.data, await getDb()) };
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, message: error.message, fieldErrors: error.fieldErrors };
    }
    (await actionLogger()).error({ error: errorName(error), userId }, "action failed");
    return { ok: false, message: "Something went wrong on our side. Try again." };
  }
}
