"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { addMember } from "@/lib/auth/members";
import { addMemberSchema } from "@/lib/validation/members";

export const addMemberAction = action(addMemberSchema, async (input, { actor, db }) => {
  const member = await addMember(db, actor, input);
  revalidatePath("/settings/members");
  return { email: member.email };
});
