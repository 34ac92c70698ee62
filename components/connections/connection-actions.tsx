"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { deleteConnectionAction, revokeConnectionAction } from "@/lib/actions/connections";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import type { CredentialField } from "./credentials-dialog";
import { useConnect, type ConnectKind } from "./use-connect";

/** Revoke and Delete with confirmation, shared by the summary page and the table rows. */
export function useRevokeDelete(connection: { id: string; name: string }, opts: { afterDelete?: () => void } = {}) {
  const router = useRouter();
  const [confirm, setConfirm] = useState<"revoke" | "delete">();
  const [pending, setPending] = useState(false);

  async function run() {
    setPending(true);
    if (confirm === "revoke") {
      const result = await revokeConnectionAction({ id: connection.id });
      setPending(false);
      setConfirm(undefined);
      if (!result.ok) toast.error(result.message);
      else if (result.data.provider === "failed") toast.warning("Revoked here; the service did not confirm the revocation.");
      else toast.success(`Revoked ${connection.name}`);
      router.refresh();
      return;
    }
    const result = await deleteConnectionAction({ id: connection.id });
    setPending(false);
    setConfirm(undefined);
    if (!result.ok) {
      toast.error(result.message);
      return;
    }
    toast.success(`Deleted ${connection.name}`);
    if (opts.afterDelete) opts.afterDelete();
    else router.refresh();
  }

  const dialogs = (
    <ConfirmDialog
      open={confirm !== undefined}
      onOpenChange={(open) => !open && setConfirm(undefined)}
      title={confirm === "delete" ? `Delete ${connection.name}?` : `Revoke ${connection.name}?`}
      description={
        confirm === "delete"
          ? "The connection and every credential of it are removed. Scripts that use its link name will stop working."
          : "Your stored credential is deleted (and revoked at the service where it allows). The connection stays, not connected, ready to connect again."
      }
      confirmLabel={confirm === "delete" ? "Delete" : "Revoke"}
      danger
      pending={pending}
      onConfirm={run}
    />
  );
  return { askRevoke: () => setConfirm("revoke"), askDelete: () => setConfirm("delete"), dialogs };
}

export function ConnectionActions({
  connection,
}: {
  connection: {
    id: string;
    name: string;
    isOwner: boolean;
    status: "connected" | "not_connected" | "needs_reauth";
    notConfigured: boolean;
    connectKind: ConnectKind;
    serviceName: string;
    credentialFields: CredentialField[];
    credentialHosts: string[];
    serviceVersion: number;
  };
}) {
  const router = useRouter();
  const { prepare, connect, pending, dialog } = useConnect({
    serviceName: connection.serviceName,
    credentialFields: connection.credentialFields,
    credentialHosts: connection.credentialHosts,
    serviceVersion: connection.serviceVersion,
  });
  const { askRevoke, askDelete, dialogs } = useRevokeDelete(connection, {
    afterDelete: () => {
      router.push("/connections");
      router.refresh();
    },
  });
  const connectLabel = connection.isOwner
    ? connection.status === "connected"
      ? "Reconnect"
      : "Connect"
    : connection.status === "connected"
      ? "Reauthorize"
      : "Authorize";
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant={connection.status === "connected" ? "secondary" : "primary"}
        pending={pending}
        disabled={connection.notConfigured}
        onClick={() => {
          const popup = prepare(connection.connectKind);
          void connect(connection.id, connection.connectKind, popup);
        }}
      >
        {connectLabel}
      </Button>
      {connection.isOwner ? (
        <Button variant="secondary" onClick={() => router.push(`/connections/${connection.id}/edit`)}>
          Edit
        </Button>
      ) : null}
      {connection.status !== "not_connected" ? (
        <Button variant="secondary" onClick={askRevoke}>
          Revoke
        </Button>
      ) : null}
      {connection.isOwner ? (
        <Button variant="danger" onClick={askDelete}>
          Delete
        </Button>
      ) : null}
      {dialog}
      {dialogs}
    </div>
  );
}
