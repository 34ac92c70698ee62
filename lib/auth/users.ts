import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organizations, users } from "@/db/schema";

/**
 * Who is asking: every domain function takes `(db, actor, input)` and scopes what it reads
 * and writes by the actor's organization (docs/architecture.md "Conventions").
 */
export type Actor = {
  id: string;
  email: string;
  name: string;
  role: "admin" | "member";
  orgId: string;
  orgName: string;
  /** Set when the actor came from a personal access token: which one, and the connections it is restricted to (null: all). */
  token?: { id: string; connectionIds: string[] | null };
};

/** The organization a query is scoped to: an actor, or (for the app's own jobs) a row of the organization. */
export type OrgScope = Pick<Actor, "orgId">;

export async function findUserByEmail(db: Pick<Db, "select">, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user;
}

/**
 * The actor for a user id, or undefined when the user no longer exists. With `sessionEpoch`
 * (a session's), also undefined when the user's sessions were ended since it was issued.
 */
export async function loadActor(db: Db, userId: string, sessionEpoch?: number): Promise<Actor | undefined> {
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
    .where(sessionEpoch === undefined ? eq(users.id, userId) : and(eq(users.id, userId), eq(users.sessionEpoch, sessionEpoch)))
    .limit(1);
  return row;
}

export type MemberDto = { id: string; email: string; name: string; role: "admin" | "member"; createdAt: string };

export async function listMembers(db: Db, actor: OrgScope): Promise<MemberDto[]> {
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.orgId, actor.orgId))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
