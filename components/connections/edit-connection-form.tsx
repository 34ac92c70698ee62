"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { toast } from "sonner";
import { updateConnectionAction } from "@/lib/actions/connections";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import type { ConnectionAccess } from "@/lib/validation/connections";
import { displayNameSchema } from "@/lib/validation/names";
import type { CredentialField } from "./credentials-dialog";
import { parseScopeText } from "./connection-details-form";
import { ScopeChecklist } from "./scope-checklist";
import { useConnect, type ConnectKind } from "./use-connect";
import { WhoCanUseIt } from "./who-can-use-it";

const formSchema = z.object({ name: displayNameSchema });

/** Edit: the display name and the scopes. Changing scopes runs consent again (docs/product.md §4). */
export function EditConnectionForm({
  connection,
}: {
  connection: {
    id: string;
    name: string;
    linkName: string;
    scopes: string[];
    scopeChoices: Array<{ name: string; description: string }>;
    freeScopes: boolean;
    isOAuth2: boolean;
    connectKind: ConnectKind;
    serviceName: string;
    credentialFields: CredentialField[];
    credentialHosts: string[];
    serviceVersion: number;
    /** Null for a shared connection ("use credentials of login user"): everyone uses their own. */
    access: ConnectionAccess | null;
  };
}) {
  const router = useRouter();
  const [scopes, setScopes] = useState<string[]>(connection.scopes);
  const [scopeText, setScopeText] = useState(connection.scopes.join(" "));
  const { prepare, connect, pending, dialog } = useConnect({
    serviceName: connection.serviceName,
    credentialFields: connection.credentialFields,
    credentialHosts: connection.credentialHosts,
    serviceVersion: connection.serviceVersion,
  });
  const [access, setAccess] = useState<ConnectionAccess>(connection.access ?? "owner");
  const form = useForm<{ name: string }>({ resolver: zodResolver(formSchema), defaultValues: { name: connection.name } });
  const { errors, isSubmitting } = form.formState;
  const chosen = connection.freeScopes ? parseScopeText(scopeText) : scopes;
  const scopesChanged = chosen.length !== connection.scopes.length || chosen.some((s) => !connection.scopes.includes(s));

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    const popup = connection.isOAuth2 && scopesChanged ? prepare(connection.connectKind) : null;
    void form.handleSubmit(
      async (values) => {
        const result = await updateConnectionAction({
          id: connection.id,
          name: values.name,
          scopes: chosen,
          ...(connection.access ? { access } : {}),
        });
        if (!result.ok) {
          popup?.close();
          applyServerErrors(form, result);
          return;
        }
        if (result.data.scopesChanged) {
          toast.info("Scopes changed: authorize the connection again.");
          await connect(connection.id, connection.connectKind, popup);
          return;
        }
        popup?.close();
        toast.success("Saved");
        router.push(`/connections/${connection.id}`);
        router.refresh();
      },
      () => popup?.close(),
    )(event);
  };

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <TextField label="Connection Name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
      <TextField
        label="Connection Link Name"
        value={connection.linkName}
        readOnly
        disabled
        hint="Link names never change: scripts refer to them."
      />
      {connection.isOAuth2 && !connection.freeScopes && connection.scopeChoices.length > 0 ? (
        <ScopeChecklist choices={connection.scopeChoices} selected={scopes} onChange={setScopes} />
      ) : null}
      {connection.isOAuth2 && connection.freeScopes ? (
        <TextField label="Scope" value={scopeText} onChange={(e) => setScopeText(e.target.value)} autoComplete="off" />
      ) : null}
      {connection.access ? <WhoCanUseIt value={access} onChange={setAccess} /> : null}
      {scopesChanged ? (
        <p className="text-sm text-amber-800">Saving asks you to authorize the connection again with the new scopes.</p>
      ) : null}
      <FormError message={errors.root?.server?.message} />
      <div className="flex gap-2">
        <Button type="submit" pending={isSubmitting || pending}>
          Save
        </Button>
        <Button variant="secondary" onClick={() => router.push(`/connections/${connection.id}`)}>
          Cancel
        </Button>
      </div>
      {dialog}
    </form>
  );
}
