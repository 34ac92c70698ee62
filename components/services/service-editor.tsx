"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFieldArray, useForm, useWatch, type FieldErrors, type Resolver } from "react-hook-form";
import { toNestErrors } from "@hookform/resolvers";
import { Plus, Trash2 } from "lucide-react";
import { toast } from "sonner";
import {
  countServiceConnectionsAction,
  createServiceAction,
  discoverEndpointsAction,
  updateServiceAction,
} from "@/lib/actions/services";
import { CopyButton } from "@/components/copy-button";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import {
  authTypeLabels,
  authTypes,
  grantTypeLabels,
  grantTypes,
  oauth2ParamTypes,
  paramTypeLabels,
  paramTypes,
  type AuthType,
  type GrantType,
  type ParamType,
} from "@/lib/validation/enums";
import { suggestLinkName } from "@/lib/validation/names";
import {
  createServiceSchema,
  splitList,
  updateServiceSchema,
  type CreateServiceInput,
  type UpdateServiceInput,
} from "@/lib/validation/services";

type ParamRow = { name: string; displayName: string; paramType: ParamType };

/** One flat shape for every type; `toInput` keeps only the chosen type's fields. */
export type ServiceEditorValues = {
  name: string;
  linkName: string;
  authType: AuthType;
  params: ParamRow[];
  consumerKey: string;
  consumerSecret: string;
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  paramType: ParamType;
  grantType: GrantType;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  refreshUrl: string;
  revocationUrl: string;
  issuer: string;
  scopeText: string;
  allowedHostsText: string;
};

/** What the edit page knows of the stored service: never a secret, only whether one is set. */
export type ServiceEditorInitial = {
  id: string;
  values: ServiceEditorValues;
  existingParamCount: number;
  existingScopes: string[];
  hasSecret: boolean;
};

const blank: ServiceEditorValues = {
  name: "",
  linkName: "",
  authType: "api_key",
  params: [{ name: "", displayName: "", paramType: "header" }],
  consumerKey: "",
  consumerSecret: "",
  requestTokenUrl: "",
  authorizeUrl: "",
  accessTokenUrl: "",
  paramType: "header",
  grantType: "authorization_code",
  clientId: "",
  clientSecret: "",
  tokenUrl: "",
  refreshUrl: "",
  revocationUrl: "",
  issuer: "",
  scopeText: "",
  allowedHostsText: "",
};

/** Form fields to the shared schema's input: only the chosen type's fields are sent. */
function toInput(v: ServiceEditorValues, existingScopes: string[]): Record<string, unknown> {
  const base = { name: v.name, linkName: v.linkName, authType: v.authType, allowedHosts: splitList(v.allowedHostsText) };
  switch (v.authType) {
    case "api_key":
      return { ...base, params: v.params.map(({ name, displayName, paramType }) => ({ name, displayName, paramType })) };
    case "basic":
      return base;
    case "oauth1":
      return {
        ...base,
        consumerKey: v.consumerKey,
        consumerSecret: v.consumerSecret,
        requestTokenUrl: v.requestTokenUrl,
        authorizeUrl: v.authorizeUrl,
        accessTokenUrl: v.accessTokenUrl,
        paramType: v.paramType,
      };
    case "oauth2":
      return {
        ...base,
        grantType: v.grantType,
        clientId: v.clientId,
        clientSecret: v.clientSecret,
        authorizeUrl: v.grantType === "client_credentials" ? "" : v.authorizeUrl,
        tokenUrl: v.tokenUrl,
        refreshUrl: v.refreshUrl,
        revocationUrl: v.revocationUrl,
        issuer: v.issuer,
        paramType: v.paramType,
        scopes: [...existingScopes, ...splitList(v.scopeText)],
      };
  }
}

/** Schema paths that have no input of their own land on the input they are typed in. */
function fieldOf(path: PropertyKey[]): string {
  if (path[0] === "scopes") return "scopeText";
  if (path[0] === "allowedHosts") return "allowedHostsText";
  return path.map(String).join(".");
}

function resolverFor(edit: ServiceEditorInitial | undefined): Resolver<ServiceEditorValues> {
  return async (values, _context, options) => {
    const input = { ...toInput(values, edit?.existingScopes ?? []), ...(edit ? { id: edit.id } : {}) };
    const result = (edit ? updateServiceSchema : createServiceSchema).safeParse(input);
    if (result.success) return { values, errors: {} };
    const flat: FieldErrors = {};
    for (const issue of result.error.issues) {
      const field = fieldOf(issue.path);
      flat[field] ??= { type: issue.code, message: issue.message };
    }
    return { values: {}, errors: toNestErrors(flat, options) };
  };
}

const SECRET_SET_HINT = "A secret is set. Leave blank to keep it.";

/** "Create Your Own" and "Edit service" (SPEC.md §6). Non-editable fields are shown disabled on edit. */
export function ServiceEditor({ callbackUrl, edit }: { callbackUrl: string; edit?: ServiceEditorInitial }) {
  const router = useRouter();
  const form = useForm<ServiceEditorValues>({ resolver: resolverFor(edit), defaultValues: edit?.values ?? blank });
  const { register, formState, setValue, getValues } = form;
  const { errors, isSubmitting } = formState;
  const params = useFieldArray({ control: form.control, name: "params" });
  const [linkNameEdited, setLinkNameEdited] = useState(false);
  const [discovering, setDiscovering] = useState(false);
  const [confirm, setConfirm] = useState<{ count: number } | null>(null);
  const [saving, setSaving] = useState(false);

  const authType = useWatch({ control: form.control, name: "authType" });
  const grantType = useWatch({ control: form.control, name: "grantType" });
  const existingParams = edit?.existingParamCount ?? 0;
  const secretHint = edit?.hasSecret ? SECRET_SET_HINT : undefined;
  const paramTypeOptions = (authType === "oauth2" ? oauth2ParamTypes : paramTypes).map((p) => ({ value: p, label: paramTypeLabels[p] }));

  const placeServerErrors = (result: { message: string; fieldErrors?: Record<string, string[]> }) => {
    const fieldErrors = Object.fromEntries(Object.entries(result.fieldErrors ?? {}).map(([k, v]) => [fieldOf([k]), v]));
    applyServerErrors(form, { message: result.message, fieldErrors });
  };

  const save = async () => {
    const values = getValues();
    if (!edit) {
      const result = await createServiceAction(toInput(values, []) as CreateServiceInput);
      if (!result.ok) return placeServerErrors(result);
      toast.success("Service created");
      router.push(`/connections/new/${result.data.linkName}`);
      return;
    }
    setSaving(true);
    try {
      const result = await updateServiceAction({ ...toInput(values, edit.existingScopes), id: edit.id } as UpdateServiceInput);
      setConfirm(null);
      if (!result.ok) return placeServerErrors(result);
      const { revoked } = result.data;
      toast.success(revoked ? `Service updated; ${revoked} connection(s) revoked` : "Service updated");
      router.push("/connections/new");
      router.refresh();
    } finally {
      setSaving(false);
    }
  };

  const onSubmit = form.handleSubmit(async () => {
    if (!edit) return save();
    // Counted now, not at page load: connections authorized since then are revoked too.
    const counted = await countServiceConnectionsAction({ id: edit.id });
    if (!counted.ok) return placeServerErrors(counted);
    setConfirm({ count: counted.data.count });
  });

  const discoverEndpoints = async () => {
    setDiscovering(true);
    try {
      const result = await discoverEndpointsAction({ issuer: getValues("issuer") });
      if (!result.ok) {
        form.setError("issuer", { type: "server", message: result.fieldErrors?.issuer?.[0] ?? result.message });
        return;
      }
      form.clearErrors(["issuer", "authorizeUrl", "tokenUrl"]);
      setValue("issuer", result.data.issuer);
      if (result.data.authorizeUrl) setValue("authorizeUrl", result.data.authorizeUrl);
      setValue("tokenUrl", result.data.tokenUrl);
      setValue("revocationUrl", result.data.revocationUrl ?? "");
      toast.success("Endpoints filled from the issuer's metadata");
    } finally {
      setDiscovering(false);
    }
  };

  const nameField = register("name", {
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      if (!edit && !linkNameEdited) setValue("linkName", suggestLinkName(e.target.value));
    },
  });

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <TextField label="Service Name" autoComplete="off" error={errors.name?.message} {...nameField} />
      {edit ? (
        <TextField label="Service LinkName" value={edit.values.linkName} disabled readOnly hint="Link names never change: scripts refer to them." />
      ) : (
        <TextField
          label="Service LinkName"
          autoComplete="off"
          spellCheck={false}
          error={errors.linkName?.message}
          hint="Lower-case letters, digits and underscores; begins with a letter. It never changes once created."
          {...register("linkName", { onChange: () => setLinkNameEdited(true) })}
        />
      )}
      {edit ? (
        <TextField label="Authentication Type" value={authTypeLabels[edit.values.authType]} disabled readOnly />
      ) : (
        <SelectField
          label="Authentication Type"
          options={authTypes.map((t) => ({ value: t, label: authTypeLabels[t] }))}
          error={errors.authType?.message}
          {...register("authType", {
            onChange: (e: React.ChangeEvent<HTMLSelectElement>) => {
              if (e.target.value === "oauth2" && getValues("paramType") === "form") setValue("paramType", "header");
            },
          })}
        />
      )}

      {authType === "api_key" ? (
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">Parameters</legend>
          {typeof errors.params?.message === "string" ? <p className="text-xs text-red-600">{errors.params.message}</p> : null}
          {params.fields.map((field, index) => (
            <div key={field.id} className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-[1fr_1fr_10rem_auto]">
              <TextField label="Actual Parameter" autoComplete="off" spellCheck={false} error={errors.params?.[index]?.name?.message} {...register(`params.${index}.name`)} />
              <TextField label="Parameter Display Name" autoComplete="off" error={errors.params?.[index]?.displayName?.message} {...register(`params.${index}.displayName`)} />
              <SelectField
                label="Param Type"
                options={paramTypes.map((p) => ({ value: p, label: paramTypeLabels[p] }))}
                {...register(`params.${index}.paramType`)}
              />
              <div className="flex items-end">
                {/* Saved parameters cannot be deleted (SPEC.md §6); unsaved rows can. */}
                {index >= existingParams && params.fields.length > 1 ? (
                  <Button variant="ghost" size="sm" aria-label={`Remove parameter ${index + 1}`} onClick={() => params.remove(index)}>
                    <Trash2 aria-hidden size={16} />
                  </Button>
                ) : null}
              </div>
            </div>
          ))}
          <Button variant="secondary" size="sm" onClick={() => params.append({ name: "", displayName: "", paramType: "header" })}>
            <Plus aria-hidden size={16} /> Add Parameter
          </Button>
        </fieldset>
      ) : null}

      {authType === "oauth1" ? (
        <div className="space-y-4">
          <TextField label="Consumer Key" autoComplete="off" error={errors.consumerKey?.message} {...register("consumerKey")} />
          <TextField label="Consumer Secret" type="password" autoComplete="new-password" hint={secretHint} error={errors.consumerSecret?.message} {...register("consumerSecret")} />
          <TextField label="Request Token URL" type="url" error={errors.requestTokenUrl?.message} {...register("requestTokenUrl")} />
          <TextField label="Authorize URL" type="url" error={errors.authorizeUrl?.message} {...register("authorizeUrl")} />
          <TextField label="Access Token URL" type="url" error={errors.accessTokenUrl?.message} {...register("accessTokenUrl")} />
          <SelectField label="Param Type" options={paramTypeOptions} error={errors.paramType?.message} {...register("paramType")} />
          <CallbackUrl url={callbackUrl} />
        </div>
      ) : null}

      {authType === "oauth2" ? (
        <div className="space-y-4">
          {edit ? (
            <TextField label="Grant Type" value={grantTypeLabels[edit.values.grantType]} disabled readOnly />
          ) : (
            <SelectField label="Grant Type" options={grantTypes.map((g) => ({ value: g, label: grantTypeLabels[g] }))} error={errors.grantType?.message} {...register("grantType")} />
          )}
          <TextField label="Client Id" autoComplete="off" error={errors.clientId?.message} {...register("clientId")} />
          <TextField label="Client Secret" type="password" autoComplete="new-password" hint={secretHint} error={errors.clientSecret?.message} {...register("clientSecret")} />
          <div className="flex items-end gap-2">
            <TextField
              className="flex-1"
              label="Issuer URL"
              type="url"
              hint="Optional: fills the endpoints from the provider's metadata (RFC 8414 / OpenID Connect discovery)."
              error={errors.issuer?.message}
              {...register("issuer")}
            />
            <Button variant="secondary" pending={discovering} onClick={discoverEndpoints} className="mb-6">
              Discover endpoints
            </Button>
          </div>
          {grantType !== "client_credentials" ? (
            <TextField label="Authorize URL" type="url" error={errors.authorizeUrl?.message} {...register("authorizeUrl")} />
          ) : null}
          <TextField label="Access Token URL" type="url" error={errors.tokenUrl?.message} {...register("tokenUrl")} />
          <TextField label="Refresh Token URL" type="url" hint="Optional: the Access Token URL is used when blank." error={errors.refreshUrl?.message} {...register("refreshUrl")} />
          <TextField label="Revocation URL" type="url" hint="Optional (RFC 7009): tokens are revoked there when a connection is revoked." error={errors.revocationUrl?.message} {...register("revocationUrl")} />
          <SelectField label="Param Type" options={paramTypeOptions} error={errors.paramType?.message} {...register("paramType")} />
          {edit && edit.existingScopes.length > 0 ? (
            <TextField label="Existing scopes" value={edit.existingScopes.join(" ")} disabled readOnly hint="Scopes can be added but not edited or deleted." />
          ) : null}
          <TextField
            label="Scope"
            autoComplete="off"
            spellCheck={false}
            hint={edit ? "New scopes to add, separated by spaces or commas." : "Scopes offered to connections, separated by spaces or commas."}
            error={errors.scopeText?.message}
            {...register("scopeText")}
          />
          {grantType !== "client_credentials" ? <CallbackUrl url={callbackUrl} /> : null}
        </div>
      ) : null}

      <TextField
        label="Allowed hosts"
        autoComplete="off"
        spellCheck={false}
        hint={
          authType === "api_key" || authType === "basic"
            ? "The host(s) of the service's API, separated by spaces or commas (e.g. api.example.com *.example.com): credentials are only sent there."
            : "Optional: hosts the credentials may be sent to besides those of the URLs above, separated by spaces or commas (e.g. api.example.com *.example.com)."
        }
        error={errors.allowedHostsText?.message}
        {...register("allowedHostsText")}
      />

      <FormError message={errors.root?.server?.message} />
      <div className="flex gap-2">
        <Button type="submit" pending={isSubmitting || saving}>
          {edit ? "Update" : "Create Service"}
        </Button>
        <Button variant="secondary" onClick={() => router.push("/connections/new")}>
          Cancel
        </Button>
      </div>
      {edit ? (
        <ConfirmDialog
          open={confirm !== null}
          onOpenChange={(open) => {
            if (!open) setConfirm(null);
          }}
          title="Update service?"
          description={`Saving revokes ${confirm?.count ?? 0} connection(s) that use this service.`}
          confirmLabel="Update"
          danger={(confirm?.count ?? 0) > 0}
          pending={saving}
          onConfirm={() => void save()}
        />
      ) : null}
    </form>
  );
}

/** The redirect URI to register with the provider (DESIGN.md "OAuth flows"). */
function CallbackUrl({ url }: { url: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor="service-callback-url" className="block text-sm font-medium text-slate-800">
        Callback URL
      </label>
      <div className="flex items-center gap-2">
        <input
          id="service-callback-url"
          value={url}
          readOnly
          className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-700"
        />
        <CopyButton text={url} label="Copy the callback URL" />
      </div>
      <p className="text-xs text-slate-500">Register this URL with the provider as the redirect (callback) URL.</p>
    </div>
  );
}
