import "server-only";
import type { Db } from "@/db";
import { recordAudit } from "@/lib/audit/audit";
import { invalidate } from "@/lib/cache/invalidation";
import type { Actor } from "@/lib/auth/users";
import { resolveService } from "@/lib/services/resolve";
import { revokeAtProvider } from "@/lib/services/revoke-at-provider";
import { loadVisibleConnection, serviceRefOf } from "./access";
import { clearCredential, findCredential } from "@/lib/credentials/credentials";
import { emitWebhookEvent } from "@/lib/webhooks/emit";

/**
 * Revoke (own or shared): the actor's own credential for the connection is revoked at the
 * provider where possible and deleted here; the connection stays, not connected.
 */
export async function revokeConnection(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ provider: "revoked" | "no_endpoint" | "failed" | "nothing_to_revoke" }> {
  const row = await loadVisibleConnection(db, actor, id);
  const credential = await findCredential(db, row.id, actor.id);
  if (!credential?.payloadSealed) return { provider: "nothing_to_revoke" };
  const service = await resolveService(db, actor, serviceRefOf(row));
  const provider = await revokeAtProvider(db, actor, { service: service, credential: credential });
  await db.transaction(async (tx) => {
    await clearCredential(tx, credential.id);
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.revoked",
      connectionId: row.id,
      detail: { provider },
    });
  });
  invalidate({ kind: "connection", orgId: actor.orgId, connectionId: row.id });
  await emitWebhookEvent(db, actor.orgId, "connection.revoked", {
    connectionId: row.id,
    linkName: row.linkName,
    service: service.linkName,
    userId: actor.id,
  });
  return { provider };
}
