import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import type { OrgScope } from "@/lib/auth/users";
import { services, users } from "@/db/schema";
import type { AuthType } from "@/lib/validation/enums";

export type CustomServiceDto = {
  id: string;
  name: string;
  linkName: string;
  authType: AuthType;
  createdBy: string;
  creatorName: string;
};

/** Every custom service of the organization: all members see them (docs/product.md §6). */
export async function listCustomServices(db: Db, actor: OrgScope): Promise<CustomServiceDto[]> {
  return db
    .select({
      id: services.id,
      name: services.name,
      linkName: services.linkName,
      authType: services.authType,
      createdBy: services.createdBy,
      creatorName: users.name,
    })
    .from(services)
    .innerJoin(users, eq(users.id, services.createdBy))
    .where(eq(services.orgId, actor.orgId))
    .orderBy(asc(services.name));
}

export async function findCustomServiceByLinkName(db: Db, actor: OrgScope, input: { linkName: string }) {
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.orgId, actor.orgId), eq(services.linkName, input.linkName)))
    .limit(1);
  return row;
}
