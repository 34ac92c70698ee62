"use client";

import Link from "next/link";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { createConnectionAction } from "@/lib/actions/connections";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import type { ConnectionAccess } from "@/lib/validation/connections";
import { scopeDelimiterSchema, type ScopeDelimiter } from "@/lib/validation/enums";
import { displayNameSchema, linkNameSchema, suggestLinkName } from "@/lib/validation/names";
import type { CredentialField } from "./credentials-dialog";
import { ScopeChecklist } from "./scope-checklist";
import { CredentialHosts } from "./credential-hosts";
import { useConnect, type ConnectKind } from "./use-connect";
import { WhoCanUseIt } from "./who-can-use-it";

const formSchema = z.object({
  name: displayNameSchema,
  linkName: linkNameSchema,
  useLoginUserCredentials: z.boolean(),
  scopeDelimiter: scopeDelimiterSchema,
});
type FormValues = z.infer<typeof formSchema>;

export type DetailsService = {
  ref: { kind: "catalog"; linkName: string } | { kind: "custom"; id: string };
  name: string;
  authType: string;
  scopes: Array<{ name: string; description: string; default: boolean }>;
  freeScopes: boolean;
  notConfigured: boolean;
  /** Where the viewer can set the missing OAuth app up (admins, default services). */
  configureHref?: string;
  connectKind: ConnectKind;
  credentialFields: CredentialField[];
  credentialHosts: string[];
  serviceVersion: number;
};

/** Splits what the user typed into "Scope": commas, spaces, plus signs and new lines all separate. */
export function parseScopeText(text: string): string[] {
  return [...new Set(text.split(/[\s,+]+/).filter(Boolean))];
}

export function ConnectionDetailsForm({ service }: { service: DetailsService }) {
  const [linkTouched, setLinkTouched] = useState(false);
  const [scopes, setScopes] = useState<string[]>(service.scopes.filter((s) => s.default).map((s) => s.name));
  const [scopeText, setScopeText] = useState(service.freeScopes ? service.scopes.map((s) => s.name).join(" ") : "");
  const { prepare, connect, pending, dialog } = useConnect({
    serviceName: service.name,
    credentialFields: service.credentialFields,
    credentialHosts: service.credentialHosts,
    serviceVersion: service.serviceVersion,
  });
  const [access, setAccess] = useState<ConnectionAccess>("owner");
  const form = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: "", linkName: "", useLoginUserCredentials: false, scopeDelimiter: "comma" },
  });
  const { errors, isSubmitting } = form.formState;
  const [scopeError, setScopeError] = useState<string>();
  const freeScopeList = parseScopeText(scopeText);
  const useLoginUser = useWatch({ control: form.control, name: "useLoginUserCredentials" });

  const nameField = form.register("name", {
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      if (!linkTouched)
        form.setValue("linkName", suggestLinkName(event.target.value), { shouldValidate: form.formState.isSubmitted });
    },
  });
  const linkField = form.register("linkName", { onChange: () => setLinkTouched(true) });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    // The consent window must open inside the click; it is navigated once the connection exists.
    const popup = service.notConfigured ? null : prepare(service.connectKind);
    void form.handleSubmit(
      async (values) => {
        const chosen = service.freeScopes ? freeScopeList : scopes;
        const result = await createConnectionAction({
          service: service.ref,
          name: values.name,
          linkName: values.linkName,
          scopes: chosen,
          scopeDelimiter: values.scopeDelimiter as ScopeDelimiter,
          useLoginUserCredentials: values.useLoginUserCredentials,
          access: values.useLoginUserCredentials ? "owner" : access,
        });
        if (!result.ok) {
          popup?.close();
          setScopeError(result.fieldErrors?.scopes?.[0]);
          applyServerErrors(form, result);
          return;
        }
        await connect(result.data.id, result.data.next, popup);
      },
      () => popup?.close(),
    )(event);
  };

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <TextField label="Connection Name" autoComplete="off" maxLength={60} error={errors.name?.message} {...nameField} />
      <TextField
        label="Connection Link Name"
        autoComplete="off"
        hint="Scripts use it to name this connection. Lower-case letters, digits and underscores; it cannot be changed later."
        error={errors.linkName?.message}
        {...linkField}
      />

      {service.authType === "oauth2" && !service.freeScopes && service.scopes.length > 0 ? (
        <ScopeChecklist choices={service.scopes} selected={scopes} onChange={setScopes} error={scopeError} />
      ) : null}

      {service.authType === "oauth2" && service.freeScopes ? (
        <div className="space-y-4">
          <TextField
            label="Scope"
            autoComplete="off"
            value={scopeText}
            onChange={(e) => setScopeText(e.target.value)}
            hint="The scopes the service's API documentation names, separated by spaces or commas."
            error={scopeError}
          />
          {freeScopeList.length > 1 ? (
            <SelectField
              label="Scope Delimiter"
              options={[
                { value: "comma", label: "Comma" },
                { value: "space", label: "Space" },
                { value: "plus", label: "Plus" },
              ]}
              {...form.register("scopeDelimiter")}
            />
          ) : null}
        </div>
      ) : null}

      <div className="flex items-start gap-2">
        <input
          id="use-login-user"
          type="checkbox"
          className="mt-1"
          {...form.register("useLoginUserCredentials")}
          aria-describedby="use-login-user-hint"
        />
        <div>
          <label htmlFor="use-login-user" className="text-sm font-medium text-slate-800">
            use credentials of login user
          </label>
          <p id="use-login-user-hint" className="text-xs text-slate-500">
            Everyone in your organization can authorize this connection with their own account; calls then use the caller&apos;s
            credentials.
          </p>
        </div>
      </div>

      {useLoginUser ? null : <WhoCanUseIt value={access} onChange={setAccess} />}
      <CredentialHosts hosts={service.credentialHosts} />

      {service.notConfigured ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          Not configured by your admin
          {service.configureHref ? (
            <>
              {" "}
              — as an admin, add its OAuth app in{" "}
              <Link href={service.configureHref} className="font-medium underline">
                Settings → OAuth apps
              </Link>
              .
            </>
          ) : null}
        </p>
      ) : null}
      <FormError message={errors.root?.server?.message} />
      <Button type="submit" pending={isSubmitting || pending} disabled={service.notConfigured}>
        Create and Connect
      </Button>
      {dialog}
    </form>
  );
}
