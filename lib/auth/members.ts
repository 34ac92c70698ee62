import "server-only";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { Conflict } from "@/lib/errors";
import type { AddMemberInput } from "@/lib/validation/members";
import { hashPassword } from "@/lib/crypto/password";
import { assertAdmin } from "./session";
import { findUserByEmail, type Actor, type MemberDto } from "./users";

/** An admin adds a member to their own organization with an initial password. */
export async function addMember(db: Db, actor: Actor, input: AddMemberInput): Promise<MemberDto> {
  assertAdmin(actor);
  const taken = { email: ["A user with this email already exists"] };
  if (await findUserByEmail(db, input.email)) throw new Conflict("A user with this email already exists", taken);
  const passwordHash = await hashPassword(input.password);
  const [created] = await db
    .insert(users)
    .values({ orgId: actor.orgId, email: input.email, name: input.name, role: input.role, passwordHash })
    .onConflictDoNothing()
    .returning();
  if (!created) throw new Conflict("A user with this email already exists", taken);
  return {
    id: created.id,
    email: created.email,
    name: created.name,
    role: created.role,
    createdAt: created.createdAt.toISOString(),
  };
}
