"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useForm, useWatch, type FieldErrors, type Resolver } from "react-hook-form";
import { toNestErrors } from "@hookform/resolvers";
import { toast } from "sonner";
import { countServiceConnectionsAction, createServiceAction, updateServiceAction } from "@/lib/actions/services";
import { applyServerErrors } from "@/components/form-errors";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { authTypeLabels, authTypes, oauth2ParamTypes, paramTypeLabels, paramTypes } from "@/lib/validation/enums";
import { suggestLinkName } from "@/lib/validation/names";
import {
  blankServiceEditorValues,
  serviceInputFromEditor,
  type ServiceEditorInitial,
  type ServiceEditorValues,
} from "@/lib/validation/service-editor";
import {
  createServiceSchema,
  updateServiceSchema,
  type CreateServiceInput,
  type UpdateServiceInput,
} from "@/lib/validation/services";
import { ApiKeyFields } from "./api-key-fields";
import { OAuth1Fields } from "./oauth1-fields";
import { OAuth2Fields } from "./oauth2-fields";

/** Schema paths that have no input of their own land on the input they are typed in. */
function fieldOf(path: PropertyKey[]): string {
  if (path[0] === "scopes") return "scopeText";
  if (path[0] === "allowedHosts") return "allowedHostsText";
  return path.map(String).join(".");
}

function resolverFor(edit: ServiceEditorInitial | undefined): Resolver<ServiceEditorValues> {
  return async (values, _context, options) => {
    const input = { ...serviceInputFromEditor(values, edit?.existingScopes ?? []), ...(edit ? { id: edit.id } : {}) };
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

/** "Create Your Own" and "Edit service" (docs/product.md §6). Non-editable fields are shown disabled on edit. */
/** `callbackBase` is `${APP_URL}/api/oauth/callback/`: each service's callback URL ends with its link name. */
export function ServiceEditor({ callbackBase, edit }: { callbackBase: string; edit?: ServiceEditorInitial }) {
  const router = useRouter();
  const form = useForm<ServiceEditorValues>({
    resolver: resolverFor(edit),
    defaultValues: edit?.values ?? blankServiceEditorValues,
  });
  const { register, formState, setValue, getValues } = form;
  const { errors, isSubmitting } = formState;
  const [linkNameEdited, setLinkNameEdited] = useState(false);
  const [confirm, setConfirm] = useState<{ count: number } | null>(null);
  const [saving, setSaving] = useState(false);

  const authType = useWatch({ control: form.control, name: "authType" });
  const secretHint = edit?.hasSecret ? SECRET_SET_HINT : undefined;
  const paramTypeOptions = (authType === "oauth2" ? oauth2ParamTypes : paramTypes).map((p) => ({
    value: p,
    label: paramTypeLabels[p],
  }));
  const typedLinkName = useWatch({ control: form.control, name: "linkName" });
  const callbackUrl = `${callbackBase}${edit ? edit.values.linkName : typedLinkName || "<Service LinkName>"}`;
  const section = { form, edit, callbackUrl, secretHint, paramTypeOptions };

  const placeServerErrors = (result: { message: string; fieldErrors?: Record<string, string[]> }) => {
    const fieldErrors = Object.fromEntries(Object.entries(result.fieldErrors ?? {}).map(([k, v]) => [fieldOf([k]), v]));
    applyServerErrors(form, { message: result.message, fieldErrors });
  };

  const save = async () => {
    const values = getValues();
    if (!edit) {
      const result = await createServiceAction(serviceInputFromEditor(values, []) as CreateServiceInput);
      if (!result.ok) return placeServerErrors(result);
      toast.success("Service created");
      router.push(`/connections/new/${result.data.linkName}`);
      return;
    }
    setSaving(true);
    try {
      const result = await updateServiceAction({
        ...serviceInputFromEditor(values, edit.existingScopes),
        id: edit.id,
      } as UpdateServiceInput);
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

  const nameField = register("name", {
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      if (!edit && !linkNameEdited) setValue("linkName", suggestLinkName(e.target.value));
    },
  });

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <TextField label="Service Name" autoComplete="off" error={errors.name?.message} {...nameField} />
      {edit ? (
        <TextField
          label="Service LinkName"
          value={edit.values.linkName}
          disabled
          readOnly
          hint="Link names never change: scripts refer to them."
        />
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

      {authType === "api_key" ? <ApiKeyFields form={form} edit={edit} /> : null}
      {authType === "oauth1" ? <OAuth1Fields {...section} /> : null}
      {authType === "oauth2" ? <OAuth2Fields {...section} /> : null}

      <TextField
        label="Allowed hosts"
        autoComplete="off"
        spellCheck={false}
        hint={
          authType === "api_key" || authType === "basic"
            ? "The host(s) of the service's API, separated by spaces or commas (e.g. api.example.com *.example.com; a pasted URL counts as its host): credentials are only sent there."
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
