import { z } from "zod";

/** Adding a member (settings → Members). Shared by the form and the server. */
export const addMemberSchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(100, "Name can contain up to 100 characters"),
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address")),
  password: z
    .string()
    .min(8, "The initial password must have at least 8 characters")
    .max(200, "The initial password can contain up to 200 characters"),
  role: z.enum(["admin", "member"]),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;
