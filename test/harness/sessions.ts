import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { encodeSession } from "@/lib/auth/session-cookie";

/** A session token for a user as next-auth would issue it now (their current session epoch). */
export async function sessionTokenFor(db: Db, userId: string): Promise<string> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  return encodeSession({ ...user });
}
