import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import type { AuthType } from "@/lib/validation/enums";
import { customServiceConfigSchema, type CustomServiceConfig } from "@/lib/validation/service-config";
import { countWithCredentials, loadEditableService } from "./custom-service-access";

/** What the editor may see of a custom service: no secret field at all, only whether one is set. */
export type CustomServiceEditDto = {
  id: string;
  name: string;
  linkName: string;
  authType: AuthType;
  version: number;
  config: CustomServiceConfig;
  hasSecret: boolean;
  /** Connections that use the service and hold a credential: saving an edit revokes them. */
  connectionCount: number;
};

/**
 * Connections of the service that hold a stored credential: the ones an edit revokes. Only
 * the creator, who alone may edit, is told: the count spans other members' private connections.
 */
export async function countServiceConnections(db: Db, actor: Actor, id: string): Promise<number> {
  await loadEditableService(db, actor, id);
  return countWithCredentials(db, actor, id);
}

export async function getCustomServiceForEdit(db: Db, actor: Actor, id: string): Promise<CustomServiceEditDto> {
  const row = await loadEditableService(db, actor, id);
  return {
    id: row.id,
    name: row.name,
    linkName: row.linkName,
    authType: row.authType,
    version: row.version,
    config: customServiceConfigSchema.parse(row.config),
    hasSecret: row.secretSealed !== null,
    connectionCount: await countWithCredentials(db, actor, row.id),
  };
}
