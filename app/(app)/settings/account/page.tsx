import type { Metadata } from "next";
import { getDb } from "@/db";
import { userHasPassword } from "@/lib/accounts/passwords";
import { requireActor } from "@/lib/auth/session";
import { AccountSettings } from "@/components/accounts/account-settings";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await requireActor();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        <p className="mt-1 text-sm text-slate-600">
          Signed in as {actor.name} ({actor.email}).
        </p>
      </div>
      <AccountSettings hasPassword={await userHasPassword(await getDb(), actor)} />
    </div>
  );
}
