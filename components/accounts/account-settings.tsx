"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { signOut } from "next-auth/react";
import { toast } from "sonner";
import { changePasswordAction, signOutEverywhereAction } from "@/lib/actions/accounts";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { changePasswordSchema, type ChangePasswordInput } from "@/lib/validation/accounts";

/** Settings → Account: change password (this browser stays signed in, the others are signed out), sign out everywhere. */
export function AccountSettings({ hasPassword }: { hasPassword: boolean }) {
  const router = useRouter();
  const form = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const [confirming, setConfirming] = useState(false);
  const [signingOut, setSigningOut] = useState(false);

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await changePasswordAction(values);
    if (!result.ok) {
      applyServerErrors(form, result);
      return;
    }
    form.reset();
    toast.success("Password changed. Your other sessions were signed out.");
    router.refresh();
  });

  async function signOutEverywhere() {
    setSigningOut(true);
    const result = await signOutEverywhereAction({});
    if (!result.ok) {
      setSigningOut(false);
      toast.error(result.message);
      return;
    }
    await signOut({ redirect: false });
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <div className="space-y-10">
      <section aria-labelledby="password-heading" className="max-w-md space-y-4">
        <h2 id="password-heading" className="text-lg font-semibold">
          Change password
        </h2>
        {hasPassword ? (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <TextField
              label="Current password"
              type="password"
              autoComplete="current-password"
              error={errors.currentPassword?.message}
              {...form.register("currentPassword")}
            />
            <TextField
              label="New password"
              type="password"
              autoComplete="new-password"
              hint="At least 8 characters."
              error={errors.newPassword?.message}
              {...form.register("newPassword")}
            />
            <FormError message={errors.root?.server?.message} />
            <Button type="submit" pending={isSubmitting}>
              Change password
            </Button>
          </form>
        ) : (
          <p className="text-sm text-slate-600">
            You sign in with SSO or a one-time link, so you have no password to change. Ask an admin for a password-reset link to
            set one.
          </p>
        )}
      </section>
      <section aria-labelledby="sessions-heading" className="max-w-md space-y-2">
        <h2 id="sessions-heading" className="text-lg font-semibold">
          Sessions
        </h2>
        <p className="text-sm text-slate-600">
          Signs you out in every browser, this one included, and revokes your personal access tokens.
        </p>
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </Button>
      </section>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Sign out everywhere?"
        description="Every browser signed in as you is signed out, this one included, and your personal access tokens are revoked."
        confirmLabel="Sign out everywhere"
        pending={signingOut}
        onConfirm={signOutEverywhere}
      />
    </div>
  );
}
