import "server-only";
import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, serviceApps, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import { assertAdmin } from "@/lib/auth/session";
import type { Actor, OrgScope } from "@/lib/auth/users";
import { findCatalogEntry } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { Invalid, NotFound } from "@/lib/errors";
import { invalidate } from "@/lib/cache/invalidation";
import { clearCredential } from "@/lib/credentials/credentials";
import { sealJson } from "@/lib/secrets";
import type { z } from "zod";
import type { serviceAppSchema } from "@/lib/validation/service-apps";

/** Clears the client-credentials tokens members (not admins) hold from this app; returns how many. */
async function clearMembersTokens(
  tx: Pick<Db, "select" | "insert" | "update">,
  app: Pick<typeof serviceApps.$inferSelect, "orgId" | "serviceLinkName">,
) {
  const held = await tx
    .select({ id: credentials.id })
    .from(credentials)
    .innerJoin(connections, eq(connections.id, credentials.connectionId))
    .innerJoin(users, eq(users.id, credentials.userId))
    .where(
      and(
        eq(connections.orgId, app.orgId),
        eq(connections.catalogLinkName, app.serviceLinkName),
        ne(users.role, "admin"),
        isNotNull(credentials.payloadSealed),
      ),
    );
  for (const { id } of held) await clearCredential(tx, id);
  return held.length;
}

/** What the settings page may show of an OAuth app: never the secret, only that one is set. */
export type ServiceAppDto = {
  serviceLinkName: string;
  clientId: string;
  hasSecret: true;
  membersMayConnect: boolean;
  updatedAt: string;
};

export async function listServiceApps(db: Db, actor: OrgScope): Promise<ServiceAppDto[]> {
  const rows = await db
    .select({
      serviceLinkName: serviceApps.serviceLinkName,
      clientId: serviceApps.clientId,
      membersMayConnect: serviceApps.membersMayConnect,
      updatedAt: serviceApps.updatedAt,
    })
    .from(serviceApps)
    .where(eq(serviceApps.orgId, actor.orgId));
  return rows.map((r) => ({ ...r, hasSecret: true, updatedAt: r.updatedAt.toISOString() }));
}

/** Sets (or replaces) the organization's OAuth client for a default OAuth service. Admins only. */
export async function setServiceApp(db: Db, actor: Actor, input: z.output<typeof serviceAppSchema>): Promise<ServiceAppDto> {
  assertAdmin(actor);
  const entry = findCatalogEntry(serviceCatalog(), input.serviceLinkName);
  if (!entry || (entry.authType !== "oauth2" && entry.authType !== "oauth1")) {
    throw new NotFound("That default service does not use OAuth");
  }
  const [existing] = await db
    .select()
    .from(serviceApps)
    .where(and(eq(serviceApps.orgId, actor.orgId), eq(serviceApps.serviceLinkName, input.serviceLinkName)))
    .limit(1);
  if (!existing && !input.clientSecret) {
    throw new Invalid("Client Secret is required", { clientSecret: ["Client Secret is required"] });
  }
  const result = await db.transaction(async (tx) => {
    let row = existing;
    if (!row) {
      // The secret is bound to the row id, so the row exists before it is sealed.
      [row] = await tx
        .insert(serviceApps)
        .values({
          orgId: actor.orgId,
          serviceLinkName: input.serviceLinkName,
          clientId: input.clientId,
          secretSealed: "",
          updatedBy: actor.id,
        })
        .returning();
    }
    const secretSealed = input.clientSecret
      ? sealJson("serviceApp", { id: row.id, orgId: row.orgId }, input.clientSecret)
      : row.secretSealed;
    const [saved] = await tx
      .update(serviceApps)
      .set({
        clientId: input.clientId,
        secretSealed,
        membersMayConnect: entry.oauth2?.grantType === "client_credentials" && input.membersMayConnect,
        version: sql`${serviceApps.version} + 1`,
        updatedBy: actor.id,
        updatedAt: new Date(),
      })
      .where(eq(serviceApps.id, row.id))
      .returning();
    // Members' tokens of the organization's client stop now, not when they expire (docs/product.md §5).
    const withdrawn = existing?.membersMayConnect && !saved.membersMayConnect ? await clearMembersTokens(tx, saved) : 0;
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "service_app.updated",
      detail: {
        service: input.serviceLinkName,
        secretChanged: Boolean(input.clientSecret),
        membersMayConnect: saved.membersMayConnect,
        ...(withdrawn ? { membersTokensRevoked: withdrawn } : {}),
      },
    });
    return saved;
  });
  invalidate({ kind: "service", orgId: actor.orgId });
  return {
    serviceLinkName: result.serviceLinkName,
    clientId: result.clientId,
    hasSecret: true,
    membersMayConnect: result.membersMayConnect,
    updatedAt: result.updatedAt.toISOString(),
  };
}
