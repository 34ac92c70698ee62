import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import { invalidate } from "@/lib/cache/invalidation";
import type { Actor } from "@/lib/auth/users";
import { resolveService } from "@/lib/services/resolve";
import { loadOwnConnection, serviceRefOf } from "./access";
import { revokeAtProvider } from "@/lib/services/revoke-at-provider";
import { emitWebhookEvent } from "@/lib/webhooks/emit";

/** Delete by the owner: every credential of it is revoked at the provider (best effort) and removed. */
export async function deleteConnection(db: Db, actor: Actor, id: string): Promise<void> {
  const row = await loadOwnConnection(db, actor, id);
  const creds = await db.select().from(credentials).where(eq(credentials.connectionId, row.id));
  const service = await resolveService(db, actor, serviceRefOf(row)).catch(() => undefined);
  if (service) {
    for (const c of creds) if (c.payloadSealed) await revokeAtProvider(db, actor, { service: service, credential: c });
  }
  await db.transaction(async (tx) => {
    await tx.delete(connections).where(eq(connections.id, row.id)); // credentials cascade
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.deleted",
      connectionId: row.id,
      detail: { linkName: row.linkName, credentials: creds.length },
    });
  });
  invalidate({ kind: "connection", orgId: actor.orgId, connectionId: row.id });
  await emitWebhookEvent(db, actor.orgId, "connection.deleted", { connectionId: row.id, linkName: row.linkName });
}
