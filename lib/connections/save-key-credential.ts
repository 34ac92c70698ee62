import "server-only";
import type { z } from "zod";
import type { Db } from "@/db";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { invalidate } from "@/lib/cache/invalidation";
import { Conflict, Invalid } from "@/lib/errors";
import { lockServiceVersion, resolveService } from "@/lib/services/resolve";
import type { keyCredentialSchema } from "@/lib/validation/connections";
import { credentialUserFor, loadVisibleConnection, serviceRefOf } from "./access";
import { storeCredential, type CredentialPayload } from "@/lib/credentials/credentials";

export const SERVICE_CHANGED_WHILE_TYPING =
  "The service's settings changed after this form was opened, so nothing was stored. Close it and connect again.";

/** "User Permissions" for API key and Basic services: the values are sealed and never shown again. */
export async function saveKeyCredential(db: Db, actor: Actor, input: z.output<typeof keyCredentialSchema>): Promise<void> {
  const row = await loadVisibleConnection(db, actor, input.id);
  const userId = credentialUserFor(row, actor.id);
  if (userId !== actor.id) throw new Invalid("Only the owner can connect this connection");
  const service = await resolveService(db, actor, serviceRefOf(row));
  let payload: CredentialPayload;
  const missing = (field: string, label: string) => new Invalid(`${label} is required`, { [field]: [`${label} is required`] });
  if (service.authType === "api_key") {
    const values: Record<string, string> = {};
    for (const p of service.apiKey?.params ?? []) {
      const value = input.values[p.name]?.trim();
      if (!value) throw missing(p.name, p.displayName);
      values[p.name] = value;
    }
    payload = { type: "api_key", values };
  } else if (service.authType === "basic") {
    const username = input.values.username ?? "";
    const password = input.values.password ?? "";
    if (!username) throw missing("username", service.basic?.usernameLabel ?? "Username");
    if (!password) throw missing("password", service.basic?.passwordLabel ?? "Password");
    if (username.includes(":")) {
      throw new Invalid("A Basic username cannot contain a colon", {
        username: ["A Basic username cannot contain a colon (RFC 7617)"],
      });
    }
    payload = { type: "basic", username, password };
  } else {
    throw new Invalid(`${service.name} connects through its own consent page, not with typed credentials`);
  }
  await db.transaction(async (tx) => {
    if ((await lockServiceVersion(tx, actor, service)) !== input.serviceVersion) throw new Conflict(SERVICE_CHANGED_WHILE_TYPING);
    await storeCredential(tx, { orgId: actor.orgId, connectionId: row.id, userId, payload, grantedScopes: [] });
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorId: actor.id,
      action: "connection.authorized",
      connectionId: row.id,
      detail: { method: service.authType },
    });
  });
  invalidate({ kind: "connection", orgId: actor.orgId, connectionId: row.id });
}
