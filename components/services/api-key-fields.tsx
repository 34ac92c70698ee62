"use client";

import { useFieldArray } from "react-hook-form";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { paramTypeLabels, paramTypes } from "@/lib/validation/enums";
import type { ServiceSectionProps } from "./section-props";

/** API Key: "Actual Parameter", "Parameter Display Name" and "Param Type" per parameter (docs/product.md §6). */
export function ApiKeyFields({ form, edit }: Pick<ServiceSectionProps, "form" | "edit">) {
  const { register, formState } = form;
  const { errors } = formState;
  const params = useFieldArray({ control: form.control, name: "params" });
  const existingParams = edit?.existingParamCount ?? 0;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-800">Parameters</legend>
      {typeof errors.params?.message === "string" ? <p className="text-xs text-red-600">{errors.params.message}</p> : null}
      {params.fields.map((field, index) => (
        <div key={field.id} className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-[1fr_1fr_10rem_auto]">
          <TextField
            label="Actual Parameter"
            autoComplete="off"
            spellCheck={false}
            error={errors.params?.[index]?.name?.message}
            {...register(`params.${index}.name`)}
          />
          <TextField
            label="Parameter Display Name"
            autoComplete="off"
            error={errors.params?.[index]?.displayName?.message}
            {...register(`params.${index}.displayName`)}
          />
          <SelectField
            label="Param Type"
            options={paramTypes.map((p) => ({ value: p, label: paramTypeLabels[p] }))}
            {...register(`params.${index}.paramType`)}
          />
          <div className="flex items-end">
            {/* Saved parameters cannot be deleted (docs/product.md §6); unsaved rows can. */}
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
  );
}
