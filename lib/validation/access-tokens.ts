import { z } from "zod";

export const createAccessTokenSchema = z.object({
  name: z.string().trim().min(1, "Token name is required").max(60, "Token name can contain up to 60 characters"),
});
export const revokeAccessTokenSchema = z.object({ id: z.uuid() });
