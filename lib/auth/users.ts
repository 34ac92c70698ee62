import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organizations, users } from "@/db/schema";

/** Who is asking: everything in lib/ that reads or writes takes this. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
  orgId: string;
  orgName: string;
};

export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user;
}

/** The actor for a user id, or undefined when the user no longer exists. */
export async function loadActor(db: Db, userId: string): Promise<Actor | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      orgId: users.orgId,
      orgName: organizations.name,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

export type MemberDto = { id: string; email: string; name: string; role: "admin" | "member"; createdAt: string };

export async function listMembers(db: Db, params: { orgId: string }): Promise<MemberDto[]> {
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.orgId, params.orgId))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
