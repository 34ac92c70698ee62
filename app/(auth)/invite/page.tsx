import type { Metadata } from "next";
import { getDb } from "@/db";
import { invitationForToken } from "@/lib/accounts/invitations";
import { tokenParam } from "@/lib/validation/accounts";
import { AuthCard } from "@/components/accounts/auth-card";
import { AcceptInvitationForm } from "@/components/accounts/link-forms";

export const metadata: Metadata = { title: "Join your organization" };

export default async function InvitePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = tokenParam((await searchParams).token);
  const invitation = token ? await invitationForToken(await getDb(), token) : undefined;
  if (!token || !invitation) {
    return (
      <AuthCard
        title="This invitation does not work"
        text="It was already used, revoked, or has expired. Ask an admin of your organization for a new one."
      />
    );
  }
  return (
    <AuthCard
      title={`Join ${invitation.orgName}`}
      text={
        <>
          You were invited as <strong>{invitation.email}</strong>. Choose your name and password.
        </>
      }
    >
      <AcceptInvitationForm token={token} />
    </AuthCard>
  );
}
