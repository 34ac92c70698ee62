import type { Metadata } from "next";
import { tokenParam } from "@/lib/validation/accounts";
import { AuthCard } from "@/components/accounts/auth-card";
import { SignInLinkForm } from "@/components/accounts/link-forms";

export const metadata: Metadata = { title: "Sign in with a link" };

/** The link of `npm run admin:create`: used only on "Continue" (a POST), so a link preview cannot spend it. */
export default async function SignInLinkPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = tokenParam((await searchParams).token);
  if (!token) return <AuthCard title="This link does not work" text="Ask your operator for a new sign-in link." />;
  return (
    <AuthCard
      title="Sign in to Connections"
      text="This one-time link signs you in; then choose your password in Settings → Account."
    >
      <SignInLinkForm token={token} />
    </AuthCard>
  );
}
