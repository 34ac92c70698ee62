"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Modal } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { CredentialHosts } from "./credential-hosts";

export type CredentialField = { name: string; label: string; secret: boolean };

/**
 * "User Permissions": asks for each API key parameter by its display name, or for a
 * username and password. Values go straight to the server and are never shown again.
 */
export function CredentialsDialog({
  open,
  onOpenChange,
  serviceName,
  fields,
  hosts,
  onSubmit,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  serviceName: string;
  fields: CredentialField[];
  /** Where the credential will be sent: shown before it is typed. */
  hosts: string[];
  onSubmit: (
    values: Record<string, string>,
  ) => Promise<{ ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string[]> }>;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The dialog is rendered from inside the Connection Details form: React passes a portal's
    // submit up the component tree, and that form must not be sent again.
    event.stopPropagation();
    const data = new FormData(event.currentTarget);
    const values: Record<string, string> = {};
    const missing: Record<string, string[]> = {};
    for (const f of fields) {
      values[f.name] = String(data.get(f.name) ?? "");
      if (!values[f.name].trim()) missing[f.name] = [`${f.label} is required`];
    }
    setFieldErrors(missing);
    setError(undefined);
    if (Object.keys(missing).length) return;
    setPending(true);
    const result = await onSubmit(values);
    setPending(false);
    if (!result.ok) {
      setError(result.fieldErrors ? undefined : result.message);
      setFieldErrors(result.fieldErrors ?? {});
    }
  }

  return (
    <Modal
      open={open}
      onOpenChange={(next) => !pending && onOpenChange(next)}
      title="User Permissions"
      description={`Enter your ${serviceName} credentials. They are encrypted and never shown again.`}
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <CredentialHosts hosts={hosts} />
        {fields.map((f, i) => (
          <TextField
            key={f.name}
            name={f.name}
            label={f.label}
            type={f.secret ? "password" : "text"}
            autoComplete="off"
            autoFocus={i === 0}
            error={fieldErrors[f.name]?.[0]}
          />
        ))}
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" pending={pending}>
            Connect
          </Button>
        </div>
      </form>
    </Modal>
  );
}
