"use client";

import { useForm, type FieldValues, type Path } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { z } from "zod";
import { toast } from "sonner";
import { acceptInvitationAction, setPasswordAction, setupAction, signInLinkAction } from "@/lib/actions/accounts";
import type { ActionResult } from "@/lib/actions/action";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { acceptInvitationSchema, setPasswordSchema, setupSchema, signInLinkSchema } from "@/lib/validation/accounts";

type Field<T> = { name: Path<T>; label: string; type?: string; autoComplete?: string; hint?: string };

/**
 * The forms behind a one-time link (setup, invitation, password reset, sign-in link): the
 * link's token travels as a hidden value, the server action signs the user in, and a full
 * navigation lets every server component see the new session.
 */
function LinkForm<T extends FieldValues & { token: string }>({
  schema,
  token,
  fields,
  submit,
  pendingLabel,
  run,
}: {
  schema: z.ZodType<T, T>;
  token: string;
  fields: Field<T>[];
  submit: string;
  pendingLabel: string;
  run: (values: T) => Promise<ActionResult<{ next: string }>>;
}) {
  const defaults = Object.fromEntries([["token", token], ...fields.map((f) => [f.name, ""])]) as T;
  const form = useForm<T>({ resolver: zodResolver(schema), defaultValues: defaults as never });
  const { errors, isSubmitting, isSubmitSuccessful } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    const result = await run(values);
    if (!result.ok) {
      applyServerErrors(form, result);
      return;
    }
    toast.success("Signed in");
    window.location.assign(result.data.next);
  });
  const fieldError = (name: Path<T>) => (errors as Record<string, { message?: string } | undefined>)[name]?.message;
  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      {fields.map((f, i) => (
        <TextField
          key={f.name}
          label={f.label}
          type={f.type ?? "text"}
          autoComplete={f.autoComplete}
          hint={f.hint}
          autoFocus={i === 0}
          error={fieldError(f.name)}
          {...form.register(f.name)}
        />
      ))}
      <FormError message={errors.root?.server?.message ?? fieldError("token" as Path<T>)} />
      <Button type="submit" pending={isSubmitting || isSubmitSuccessful} className="w-full">
        {isSubmitting ? pendingLabel : submit}
      </Button>
    </form>
  );
}

const newPassword = { type: "password", autoComplete: "new-password", hint: "At least 8 characters." };

export function SetupForm({ token }: { token: string }) {
  return (
    <LinkForm
      schema={setupSchema}
      token={token}
      fields={[
        { name: "orgName", label: "Organization name", autoComplete: "organization" },
        { name: "name", label: "Your name", autoComplete: "name" },
        { name: "email", label: "Email", type: "email", autoComplete: "username" },
        { name: "password", label: "Password", ...newPassword },
      ]}
      submit="Create organization"
      pendingLabel="Creating…"
      run={setupAction}
    />
  );
}

export function AcceptInvitationForm({ token }: { token: string }) {
  return (
    <LinkForm
      schema={acceptInvitationSchema}
      token={token}
      fields={[
        { name: "name", label: "Name", autoComplete: "name" },
        { name: "password", label: "Password", ...newPassword },
      ]}
      submit="Join"
      pendingLabel="Joining…"
      run={acceptInvitationAction}
    />
  );
}

export function SetPasswordForm({ token }: { token: string }) {
  return (
    <LinkForm
      schema={setPasswordSchema}
      token={token}
      fields={[{ name: "password", label: "New password", ...newPassword }]}
      submit="Set password"
      pendingLabel="Saving…"
      run={setPasswordAction}
    />
  );
}

export function SignInLinkForm({ token }: { token: string }) {
  return (
    <LinkForm
      schema={signInLinkSchema}
      token={token}
      fields={[]}
      submit="Continue"
      pendingLabel="Signing in…"
      run={signInLinkAction}
    />
  );
}
