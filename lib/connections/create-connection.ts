import "server-only";
import type { z } from "zod";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { connections } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { Conflict, Invalid } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { membersMayConnect, resolveService } from "@/lib/services/resolve";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { assertMayUseClientCredentials } from "./authorization-access";
import type { ConnectionAccess, createConnectionSchema } from "@/lib/validation/connections";

export const LINK_NAME_TAKEN = "This link name is already used by another connection in your organization";

/** Scopes must be ones the service offers, unless it takes free-form scopes (custom OAuth 2). */
export function checkScopes(def: ServiceDefinition, scopes: string[]): string[] {
  const unique = [...new Set(scopes)];
  if (def.authType !== "oauth2") return [];
  if (def.oauth2?.freeScopes) return unique;
  const offered = new Set(def.oauth2?.scopes.map((s) => s.name));
  const unknown = unique.filter((s) => !offered.has(s));
  if (unknown.length) {
    throw new Invalid(`${def.name} does not offer the scope "${unknown[0]}"`, { scopes: [`Unknown scope "${unknown[0]}"`] });
  }
  return unique;
}

export async function createConnection(
  db: Db,
  actor: Actor,
  input: Omit<z.output<typeof createConnectionSchema>, "access"> & { access?: ConnectionAccess },
): Promise<{ id: string; service: ServiceDefinition }> {
  const service = await resolveService(db, actor, input.service);
  const scopes = checkScopes(service, input.scopes);
  await assertMayUseClientCredentials(db, actor, {
    userId: actor.id,
    role: actor.role,
    service,
    client: { membersMayConnect: await membersMayConnect(db, actor, service) },
  });
  const scopeDelimiter = service.oauth2?.freeScopes ? input.scopeDelimiter : (service.oauth2?.scopeDelimiter ?? "comma");
  try {
    const id = await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(connections)
        .values({
          orgId: actor.orgId,
          ownerId: actor.id,
          catalogLinkName: input.service.kind === "catalog" ? input.service.linkName : null,
          serviceId: input.service.kind === "custom" ? input.service.id : null,
          name: input.name,
          linkName: input.linkName,
          scopes,
          scopeDelimiter,
          useLoginUserCredentials: input.useLoginUserCredentials,
          access: input.access ?? "owner",
        })
        .returning({ id: connections.id });
      await recordAudit(tx, {
        orgId: actor.orgId,
        actorId: actor.id,
        action: "connection.created",
        connectionId: created.id,
        detail: {
          service: service.linkName,
          linkName: input.linkName,
          scopes,
          shared: input.useLoginUserCredentials,
          access: input.access,
        },
      });
      return created.id;
    });
    await emitWebhookEvent(db, actor.orgId, "connection.created", {
      connectionId: id,
      linkName: input.linkName,
      service: service.linkName,
      ownerId: actor.id,
    });
    return { id, service };
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(LINK_NAME_TAKEN, { linkName: [LINK_NAME_TAKEN] });
    throw error;
  }
}
