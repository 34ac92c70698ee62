"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { createAccessToken, revokeAccessToken } from "@/lib/auth/access-tokens";
import { createAccessTokenSchema, revokeAccessTokenSchema } from "@/lib/validation/access-tokens";

export const createAccessTokenAction = action(createAccessTokenSchema, async (input, { actor, db }) => {
  const { token } = await createAccessToken(db, actor, input);
  revalidatePath("/settings/tokens");
  return { token };
});

export const revokeAccessTokenAction = action(revokeAccessTokenSchema, async ({ id }, { actor, db }) => {
  await revokeAccessToken(db, actor, id);
  revalidatePath("/settings/tokens");
  return { id };
});
