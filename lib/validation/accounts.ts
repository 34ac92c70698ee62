import { z } from "zod";

/** Accounts (docs/product.md §8): shared by the forms and the server. */
export const passwordField = z
  .string()
  .min(8, "The password must have at least 8 characters")
  .max(200, "The password can contain up to 200 characters");
const nameField = z.string().trim().min(1, "Name is required").max(100, "Name can contain up to 100 characters");
/** RFC 5321 caps a forward path at 256 octets, so an address at 254 characters. */
export const EMAIL_MAX = 254;
const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters`)
  .pipe(z.email("Enter a valid email address"));
const tokenField = z.string().min(1, "This link is not valid").max(200);
export const roleField = z.enum(["admin", "member"]);

export const setupSchema = z.object({
  token: tokenField,
  orgName: z
    .string()
    .trim()
    .min(1, "Organization name is required")
    .max(100, "Organization name can contain up to 100 characters"),
  name: nameField,
  email: emailField,
  password: passwordField,
});
export type SetupInput = z.infer<typeof setupSchema>;

export const inviteMemberSchema = z.object({ email: emailField, role: roleField });
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;

export const acceptInvitationSchema = z.object({ token: tokenField, name: nameField, password: passwordField });
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;

export const setPasswordSchema = z.object({ token: tokenField, password: passwordField });
export type SetPasswordInput = z.infer<typeof setPasswordSchema>;

export const signInLinkSchema = z.object({ token: tokenField });

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(1024),
  newPassword: passwordField,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const memberIdSchema = z.object({ userId: z.uuid() });
export const changeRoleSchema = z.object({ userId: z.uuid(), role: roleField });
export type ChangeRoleInput = z.infer<typeof changeRoleSchema>;

/** Removing a member: their own connections go to another member, or are deleted. */
export const removeMemberSchema = z
  .object({
    userId: z.uuid(),
    connections: z.enum(["hand_over", "delete"]),
    handOverTo: z.uuid().optional(),
  })
  .refine((v) => v.connections === "delete" || v.handOverTo, {
    message: "Choose who gets their connections",
    path: ["handOverTo"],
  });
export type RemoveMemberInput = z.infer<typeof removeMemberSchema>;

export const invitationIdSchema = z.object({ invitationId: z.uuid() });

/** The `token` query parameter of a one-time link page: one value of a sane length, or undefined. */
export function tokenParam(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw && raw.length <= 200 ? raw : undefined;
}

/** What a failed single sign-on came back with (`/sign-in?error=…`), in our words. */
const SSO_ERRORS: Record<string, string> = {
  SsoRefused: "Your SSO account is not a member of an organization here. Ask an admin for an invitation.",
  SsoUnverified: "Your SSO provider did not confirm your email address, so it cannot sign you in here.",
};

/** The message the sign-in page opens with after a failed single sign-on, if any. */
export function signInPageError(code: string | string[] | undefined): string | undefined {
  const value = Array.isArray(code) ? code[0] : code;
  if (!value || value === "CredentialsSignin" || value.startsWith("TooManyAttempts")) return undefined;
  return SSO_ERRORS[value] ?? "Single sign-on did not complete. Try again.";
}
