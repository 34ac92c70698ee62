"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { connectClientCredentialsAction, saveKeyCredentialAction } from "@/lib/actions/connections";
import { CredentialsDialog, type CredentialField } from "./credentials-dialog";
import { openConsentWindow, runConsent, startUrl } from "./use-consent";

export type ConnectKind = "consent" | "credentials" | "client_credentials";

/**
 * Authenticates a connection the way its service needs: consent popup (with a full-page
 * redirect when popups are blocked), the User Permissions dialog, or a client-credentials
 * token fetched at once. `prepare` runs inside the click so the popup is not blocked.
 */
export function useConnect(options: {
  serviceName: string;
  credentialFields: CredentialField[];
  credentialHosts: string[];
  /** The version of the service the page shows; typed values are refused if it changed since. */
  serviceVersion: number;
}) {
  const router = useRouter();
  const [dialogFor, setDialogFor] = useState<string>();
  const [pending, setPending] = useState(false);

  const finishedOk = (connectionId: string, message = "Authorization complete") => {
    toast.success(message);
    router.push(`/connections/${connectionId}`);
    router.refresh();
  };
  const failed = (connectionId: string | undefined, message: string) => {
    toast.error(message);
    if (connectionId) router.push(`/connections/${connectionId}`);
    router.refresh();
  };

  /** Call synchronously in the click handler, before any await. */
  function prepare(kind: ConnectKind): Window | null {
    return kind === "consent" ? openConsentWindow() : null;
  }

  async function connect(connectionId: string, kind: ConnectKind, popup: Window | null) {
    if (kind === "consent") {
      if (!popup) {
        toast.info("Popups are blocked: continuing in this window.");
        // A moment to read why the page changes; the flow returns to the summary afterwards.
        setTimeout(() => window.location.assign(startUrl(connectionId, "redirect")), 1200);
        return;
      }
      setPending(true);
      const outcome = await runConsent(connectionId, popup);
      setPending(false);
      if (outcome.ok && outcome.accountChanged) {
        // Still authorized, but calls now act as someone else: say so until dismissed.
        toast.warning(outcome.message ?? "Authorized with a different account than before.", { duration: Infinity });
        router.push(`/connections/${connectionId}`);
        router.refresh();
      } else if (outcome.ok) finishedOk(connectionId);
      else failed(connectionId, outcome.message);
      return;
    }
    if (kind === "client_credentials") {
      setPending(true);
      const result = await connectClientCredentialsAction({ id: connectionId });
      setPending(false);
      if (result.ok) finishedOk(connectionId);
      else failed(connectionId, result.message);
      return;
    }
    setDialogFor(connectionId);
  }

  const dialog = (
    <CredentialsDialog
      open={dialogFor !== undefined}
      onOpenChange={(open) => {
        if (!open && dialogFor) {
          const id = dialogFor;
          setDialogFor(undefined);
          router.push(`/connections/${id}`);
          router.refresh();
        }
      }}
      serviceName={options.serviceName}
      fields={options.credentialFields}
      hosts={options.credentialHosts}
      onSubmit={async (values) => {
        const id = dialogFor!;
        const result = await saveKeyCredentialAction({ id, values, serviceVersion: options.serviceVersion });
        if (result.ok) {
          setDialogFor(undefined);
          finishedOk(id);
          return { ok: true };
        }
        return result;
      }}
    />
  );

  return { prepare, connect, pending, dialog };
}
