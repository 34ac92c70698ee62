import type { Metadata } from "next";
import { getDb } from "@/db";
import { setupLinkIsLive } from "@/lib/accounts/first-run";
import { tokenParam } from "@/lib/validation/accounts";
import { AuthCard } from "@/components/accounts/auth-card";
import { SetupForm } from "@/components/accounts/link-forms";

export const metadata: Metadata = { title: "Set up Connections" };

export default async function SetupPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = tokenParam((await searchParams).token);
  if (!token || !(await setupLinkIsLive(await getDb(), token))) {
    return (
      <AuthCard
        title="This setup link does not work"
        text="It was already used, has expired, or Connections is set up already. Restart the server for a new link, or sign in."
      />
    );
  }
  return (
    <AuthCard title="Set up Connections" text="Create your organization and its first admin: you.">
      <SetupForm token={token} />
    </AuthCard>
  );
}
