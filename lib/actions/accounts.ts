"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, linkAction } from "./action";
import { completeSetup, consumeSignInLink } from "@/lib/accounts/first-run";
import { acceptInvitation, inviteMember, revokeInvitation } from "@/lib/accounts/invitations";
import { sendInvitationEmail } from "@/lib/accounts/mailer";
import { changeRole, createPasswordResetLink, removeMember } from "@/lib/accounts/members";
import { changePassword, setPasswordWithLink, signOutEverywhere } from "@/lib/accounts/passwords";
import { startSession } from "@/lib/auth/session-cookie";
import { appSignInThrottle } from "@/lib/auth/sign-in-throttle";
import { env } from "@/lib/env";
import { Invalid } from "@/lib/errors";
import {
  acceptInvitationSchema,
  changePasswordSchema,
  changeRoleSchema,
  invitationIdSchema,
  inviteMemberSchema,
  memberIdSchema,
  removeMemberSchema,
  setPasswordSchema,
  setupSchema,
  signInLinkSchema,
} from "@/lib/validation/accounts";

// ── Signed-out: a one-time link is the only credential (docs/security.md "One-time links") ──

export const setupAction = linkAction(setupSchema, async (input, { db }) => {
  await startSession(await completeSetup(db, input));
  return { next: "/connections" };
});

export const acceptInvitationAction = linkAction(acceptInvitationSchema, async (input, { db }) => {
  await startSession(await acceptInvitation(db, input));
  return { next: "/connections" };
});

export const setPasswordAction = linkAction(setPasswordSchema, async (input, { db }) => {
  await startSession(await setPasswordWithLink(db, input));
  return { next: "/connections" };
});

export const signInLinkAction = linkAction(signInLinkSchema, async (input, { db }) => {
  const subject = await consumeSignInLink(db, input.token);
  if (!subject) throw new Invalid("This sign-in link has expired or was already used.");
  await startSession(subject);
  return { next: "/settings/account" };
});

// ── Settings → Members (admins) ──

export const inviteMemberAction = action(inviteMemberSchema, async (input, { actor, db }) => {
  const { link, invitation } = await inviteMember(db, actor, input, env().APP_URL);
  const emailed = await sendInvitationEmail({ to: invitation.email, orgName: actor.orgName, invitedBy: actor.name, link });
  revalidatePath("/settings/members");
  return { link, email: invitation.email, emailed };
});

export const revokeInvitationAction = action(invitationIdSchema, async (input, { actor, db }) => {
  await revokeInvitation(db, actor, input.invitationId);
  revalidatePath("/settings/members");
  return {};
});

export const changeRoleAction = action(changeRoleSchema, async (input, { actor, db }) => {
  await changeRole(db, actor, input);
  revalidatePath("/settings/members");
  return {};
});

export const passwordResetLinkAction = action(memberIdSchema, async (input, { actor, db }) => {
  return createPasswordResetLink(db, actor, input.userId, env().APP_URL);
});

export const removeMemberAction = action(removeMemberSchema, async (input, { actor, db }) => {
  const result = await removeMember(db, actor, input);
  revalidatePath("/settings/members");
  return result;
});

// ── Settings → Account (everyone) ──

export const changePasswordAction = action(changePasswordSchema, async (input, { actor, db }) => {
  // Every other session ends; this browser is signed in again with the new epoch.
  await startSession(await changePassword(db, actor, input, await appSignInThrottle()));
  return {};
});

export const signOutEverywhereAction = action(z.object({}), async (_input, { actor, db }) => {
  await signOutEverywhere(db, actor);
  return {};
});
