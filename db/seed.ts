import "server-only";
import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/crypto/password";
import type { Db } from "./client";
import { organizations, users } from "./schema";

/** The demo of README.md: two users in Acme so sharing can be tried at once, one in Globex to show isolation. */
export const DEMO_PASSWORD = "connections";
export const demoOrganizations = [
  {
    name: "Acme",
    users: [
      { email: "ada@acme.test", name: "Ada Lovelace", role: "admin" as const },
      { email: "bob@acme.test", name: "Bob Builder", role: "member" as const },
    ],
  },
  {
    name: "Globex",
    users: [{ email: "eve@globex.test", name: "Eve Polastri", role: "admin" as const }],
  },
];

/** An arbitrary constant: the advisory lock that makes concurrent seeding run one at a time. */
const SEED_LOCK_KEY = 72_114_002;

/**
 * Seeds the demo on an empty database. Safe to run on every start and from instances
 * starting together: it takes a lock, then does nothing once any user exists.
 */
export async function seedDemo(db: Db): Promise<{ seeded: boolean }> {
  if ((await countUsers(db)) > 0) return { seeded: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if ((await countUsers(tx)) > 0) return { seeded: false };
    for (const org of demoOrganizations) {
      const [created] = await tx.insert(organizations).values({ name: org.name }).returning();
      await tx
        .insert(users)
        .values(org.users.map((u) => ({ orgId: created.id, email: u.email, name: u.name, role: u.role, passwordHash })));
    }
    return { seeded: true };
  });
}

async function countUsers(db: Pick<Db, "select">): Promise<number> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return count;
}
