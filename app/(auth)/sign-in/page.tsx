import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/session";
import { sameOriginPath } from "@/lib/validation/callback-url";
import { SignInForm } from "@/components/sign-in-form";
import { signInPageError } from "@/lib/validation/accounts";
import { ssoSettings } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-origin paths are followed after sign-in, so the parameter cannot send users elsewhere. */
const safeCallback = (value: string | string[] | undefined) => sameOriginPath(value);

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (await currentActor()) redirect(callbackUrl);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to Connections</h1>
        <p className="mt-1 text-sm text-slate-600">Use the account your organization gave you.</p>
        <SignInForm callbackUrl={callbackUrl} sso={Boolean(ssoSettings())} error={signInPageError(params.error)} />
      </div>
    </main>
  );
}
