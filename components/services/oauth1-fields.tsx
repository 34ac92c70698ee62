"use client";

import { SelectField, TextField } from "@/components/ui/field";
import { CallbackUrl } from "./callback-url";
import type { ServiceSectionProps } from "./section-props";

/** OAuth 1: the consumer, the three endpoints and where the signature goes (docs/product.md §6). */
export function OAuth1Fields({ form, callbackUrl, secretHint, paramTypeOptions }: ServiceSectionProps) {
  const { register, formState } = form;
  const { errors } = formState;
  return (
    <div className="space-y-4">
      <TextField label="Consumer Key" autoComplete="off" error={errors.consumerKey?.message} {...register("consumerKey")} />
      <TextField
        label="Consumer Secret"
        type="password"
        autoComplete="new-password"
        hint={secretHint}
        error={errors.consumerSecret?.message}
        {...register("consumerSecret")}
      />
      <TextField label="Request Token URL" type="url" error={errors.requestTokenUrl?.message} {...register("requestTokenUrl")} />
      <TextField label="Authorize URL" type="url" error={errors.authorizeUrl?.message} {...register("authorizeUrl")} />
      <TextField label="Access Token URL" type="url" error={errors.accessTokenUrl?.message} {...register("accessTokenUrl")} />
      <SelectField label="Param Type" options={paramTypeOptions} error={errors.paramType?.message} {...register("paramType")} />
      <CallbackUrl url={callbackUrl} />
    </div>
  );
}
