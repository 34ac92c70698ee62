import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { resolveService } from "@/lib/services/resolve";
import type { updateConnectionSchema } from "@/lib/validation/connections";
import { invalidate } from "@/lib/cache/invalidation";
import { loadOwnConnection, serviceRefOf } from "./access";
import { checkScopes } from "./create-connection";

/** Edit by the owner: name and scopes. Returns whether the scopes changed, which needs consent again. */
export async function updateConnection(
  db: Db,
  actor: Actor,
  input: z.output<typeof updateConnectionSchema>,
): Promise<{ scopesChanged: boolean }> {
  const row = await loadOwnConnection(db, actor, input.id);
  const service = await resolveService(db, actor, serviceRefOf(row));
  const scopes = checkScopes(service, input.scopes);
  const access = input.access ?? row.access;
  const scopesChanged = scopes.length !== row.scopes.length || scopes.some((s) => !row.scopes.includes(s));
  await db.transaction(async (tx) => {
    await tx
      .update(connections)
      .set({
        name: input.name,
        scopes,
        scopeDelimiter: service.oauth2?.freeScopes && input.scopeDelimiter ? input.scopeDelimiter : row.scopeDelimiter,
        access,
        updatedAt: new Date(),
      })
      .where(eq(connections.id, row.id));
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.updated",
      connectionId: row.id,
      detail: { name: input.name, scopes, scopesChanged, access },
    });
  });
  // "Who can use it" and scopes decide who may call and with what: no instance may keep the old answer.
  invalidate({ kind: "connection", orgId: actor.orgId, connectionId: row.id });
  return { scopesChanged: scopesChanged && service.authType === "oauth2" };
}
