"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import { toast } from "sonner";
import { discoverEndpointsAction } from "@/lib/actions/services";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { grantTypeLabels, grantTypes } from "@/lib/validation/enums";
import { CallbackUrl } from "./callback-url";
import type { ServiceSectionProps } from "./section-props";

/** OAuth 2: grant, client, endpoints (or discovery from an issuer), param type and scopes (docs/product.md §6). */
export function OAuth2Fields({ form, edit, callbackUrl, secretHint, paramTypeOptions }: ServiceSectionProps) {
  const { register, formState, setValue, getValues } = form;
  const { errors } = formState;
  const grantType = useWatch({ control: form.control, name: "grantType" });
  const [discovering, setDiscovering] = useState(false);

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

  return (
    <div className="space-y-4">
      {edit ? (
        <TextField label="Grant Type" value={grantTypeLabels[edit.values.grantType]} disabled readOnly />
      ) : (
        <SelectField
          label="Grant Type"
          options={grantTypes.map((g) => ({ value: g, label: grantTypeLabels[g] }))}
          error={errors.grantType?.message}
          {...register("grantType")}
        />
      )}
      <TextField label="Client Id" autoComplete="off" error={errors.clientId?.message} {...register("clientId")} />
      <TextField
        label="Client Secret"
        type="password"
        autoComplete="new-password"
        hint={secretHint}
        error={errors.clientSecret?.message}
        {...register("clientSecret")}
      />
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
      <TextField
        label="Authorize URL"
        type="url"
        hint={grantType === "client_credentials" ? "Not used by Client Credentials: it has no consent page." : undefined}
        error={errors.authorizeUrl?.message}
        {...register("authorizeUrl")}
      />
      <TextField label="Access Token URL" type="url" error={errors.tokenUrl?.message} {...register("tokenUrl")} />
      <TextField
        label="Refresh Token URL"
        type="url"
        hint="Optional: the Access Token URL is used when blank."
        error={errors.refreshUrl?.message}
        {...register("refreshUrl")}
      />
      <TextField
        label="Revocation URL"
        type="url"
        hint="Optional (RFC 7009): tokens are revoked there when a connection is revoked."
        error={errors.revocationUrl?.message}
        {...register("revocationUrl")}
      />
      <SelectField label="Param Type" options={paramTypeOptions} error={errors.paramType?.message} {...register("paramType")} />
      {edit && edit.existingScopes.length > 0 ? (
        <TextField
          label="Existing scopes"
          value={edit.existingScopes.join(" ")}
          disabled
          readOnly
          hint="Scopes can be added but not edited or deleted."
        />
      ) : null}
      <TextField
        label="Scope"
        autoComplete="off"
        spellCheck={false}
        hint={
          edit
            ? "New scopes to add, separated by spaces or commas."
            : "Scopes offered to connections, separated by spaces or commas."
        }
        error={errors.scopeText?.message}
        {...register("scopeText")}
      />
      {grantType !== "client_credentials" ? (
        <CallbackUrl url={callbackUrl} />
      ) : (
        <div className="flex items-start gap-2">
          <input
            id="service-members-may-connect"
            type="checkbox"
            className="mt-1"
            aria-describedby="service-members-may-connect-hint"
            {...register("membersMayConnect")}
          />
          <div>
            <label htmlFor="service-members-may-connect" className="text-sm font-medium text-slate-800">
              Members may connect with this client
            </label>
            <p id="service-members-may-connect-hint" className="text-xs text-slate-600">
              A client credentials token acts as the client itself. Unchecked, only you can connect this service.
            </p>
          </div>
        </div>
      )}
    </div>
  );
}
