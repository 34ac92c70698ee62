"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { lockoutEnd, SERVER_BUSY_MESSAGE, tooManyAttemptsMessage } from "@/lib/errors/messages";

/** next-auth's error code, in our words; a throttled attempt says when to try again (docs/security.md). */
function signInError(code: string | null | undefined): string {
  const [name, at] = (code ?? "").split(":");
  if (name === "TooManyAttempts") {
    const when = lockoutEnd(at);
    const clock = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return tooManyAttemptsMessage(when.getTime() - Date.now(), clock);
  }
  if (name === "ServerBusy") return SERVER_BUSY_MESSAGE;
  return "Incorrect email or password.";
}

export function SignInForm({ callbackUrl, sso, error: initialError }: { callbackUrl: string; sso: boolean; error?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);
  const [ssoPending, setSsoPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (!result || result.error) {
        setError(signInError(result?.error));
        setPending(false);
        return;
      }
      // A full navigation so that every server component sees the new session cookie.
      window.location.assign(callbackUrl);
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <FormError message={error} />
      <Button type="submit" pending={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      {sso ? (
        <Button
          variant="secondary"
          className="w-full"
          pending={ssoPending}
          onClick={() => {
            setSsoPending(true);
            void signIn("oidc", { callbackUrl });
          }}
        >
          Sign in with SSO
        </Button>
      ) : null}
    </form>
  );
}
