import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { services } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { Conflict } from "@/lib/errors";
import { sealJson } from "@/lib/secrets";
import { configFromServiceInput } from "@/lib/validation/service-config";
import type { CreateServiceValues } from "@/lib/validation/services";
import { assertLinkNameFree, checkAllowedHosts, checkUrls, SERVICE_LINK_NAME_TAKEN } from "./custom-service-access";

/** "Create Service": a custom service of the actor's organization, its secret sealed for its row. */
export async function createCustomService(
  db: Db,
  actor: Actor,
  input: CreateServiceValues,
): Promise<{ id: string; linkName: string }> {
  await assertLinkNameFree(db, actor, input.linkName);
  const { config, secret, urls } = configFromServiceInput(input);
  checkUrls(urls);
  checkAllowedHosts(input.allowedHosts);
  const id = randomUUID();
  const secretSealed = secret === undefined ? null : sealJson("service", { id, createdBy: actor.id, orgId: actor.orgId }, secret);
  try {
    await db.transaction(async (tx) => {
      await tx.insert(services).values({
        id,
        orgId: actor.orgId,
        createdBy: actor.id,
        name: input.name,
        linkName: input.linkName,
        authType: input.authType,
        config,
        secretSealed,
      });
      await recordAudit(tx, {
        orgId: actor.orgId,
        actorId: actor.id,
        action: "service.created",
        serviceId: id,
        detail: { linkName: input.linkName, authType: input.authType },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(SERVICE_LINK_NAME_TAKEN, { linkName: [SERVICE_LINK_NAME_TAKEN] });
    throw error;
  }
  return { id, linkName: input.linkName };
}
