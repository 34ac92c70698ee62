import "server-only";
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import type { Actor, OrgScope } from "@/lib/auth/users";
import { Forbidden, Invalid } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { resolveService, type ServiceClient } from "@/lib/services/resolve";
import { credentialUserFor, loadVisibleConnection, serviceRefOf } from "./access";

/** A consent flow must come back within this time (docs/product.md §9: short-lived state). */
export const TRANSACTION_TTL_MS = 10 * 60 * 1000;

export const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

/** The connection and service an actor may authenticate now, with their own account. */
export async function loadForAuthorization(db: Db, actor: Actor, connectionId: string) {
  const connection = await loadVisibleConnection(db, actor, connectionId);
  if (credentialUserFor(connection, actor.id) !== actor.id) {
    throw new Invalid("Only the owner can connect this connection");
  }
  const service = await resolveService(db, actor, serviceRefOf(connection));
  return { connection, service };
}

export const CLIENT_CREDENTIALS_HOLDER_ONLY =
  "This service connects with the organization's own client: only its holder (an admin for a default service, the creator for a custom one) can connect it, unless they allow members";

/**
 * Client credentials give the power of the client itself (docs/product.md §5): its holder
 * (an admin for a default service's app, the creator for a custom service) connects them,
 * or anyone once the holder allowed members. `user` is whose credential it would be.
 */
export async function assertMayUseClientCredentials(
  db: Db,
  scope: OrgScope,
  input: { userId: string; role?: Actor["role"]; service: ServiceDefinition; client: Pick<ServiceClient, "membersMayConnect"> },
): Promise<void> {
  const { service, client } = input;
  if (service.authType !== "oauth2" || service.oauth2?.grantType !== "client_credentials") return;
  if (client.membersMayConnect) return;
  if (service.ref.kind === "custom") {
    if (service.createdBy === input.userId) return;
  } else {
    let role = input.role;
    if (!role) {
      const [user] = await db
        .select({ role: users.role })
        .from(users)
        .where(and(eq(users.id, input.userId), eq(users.orgId, scope.orgId)))
        .limit(1);
      role = user?.role;
    }
    if (role === "admin") return;
  }
  throw new Forbidden(CLIENT_CREDENTIALS_HOLDER_ONLY);
}
