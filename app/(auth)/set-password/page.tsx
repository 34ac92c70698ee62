import type { Metadata } from "next";
import { getDb } from "@/db";
import { passwordResetFor } from "@/lib/accounts/passwords";
import { tokenParam } from "@/lib/validation/accounts";
import { AuthCard } from "@/components/accounts/auth-card";
import { SetPasswordForm } from "@/components/accounts/link-forms";

export const metadata: Metadata = { title: "Set your password" };

export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = tokenParam((await searchParams).token);
  const reset = token ? await passwordResetFor(await getDb(), token) : undefined;
  if (!token || !reset) {
    return <AuthCard title="This link does not work" text="It was already used or has expired. Ask an admin for a new one." />;
  }
  return (
    <AuthCard
      title="Set your password"
      text={
        <>
          For <strong>{reset.email}</strong>. Your other sessions end when you save it.
        </>
      }
    >
      <SetPasswordForm token={token} />
    </AuthCard>
  );
}
