"use client";

import { useId } from "react";
import { connectionAccessLabels, connectionAccessValues, type ConnectionAccess } from "@/lib/validation/connections";

const hints: Record<ConnectionAccess, string> = {
  owner: "Calls by anyone else fail as if the connection did not exist.",
  organization: "Anyone in your organization can call it; their calls use your credentials.",
};

/** "Who can use it" (docs/product.md §5): a radio group, shown when the connection runs with the owner's credential. */
export function WhoCanUseIt({ value, onChange }: { value: ConnectionAccess; onChange: (value: ConnectionAccess) => void }) {
  const id = useId();
  return (
    <fieldset className="space-y-2" role="radiogroup" aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`} className="text-sm font-medium text-slate-800">
        Who can use it
      </legend>
      {connectionAccessValues.map((option) => (
        <div key={option} className="flex items-start gap-2">
          <input
            id={`${id}-${option}`}
            type="radio"
            name={`${id}-access`}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
            className="mt-1"
            aria-describedby={`${id}-${option}-hint`}
          />
          <div>
            <label htmlFor={`${id}-${option}`} className="text-sm text-slate-800">
              {connectionAccessLabels[option]}
            </label>
            <p id={`${id}-${option}-hint`} className="text-xs text-slate-600">
              {hints[option]}
            </p>
          </div>
        </div>
      ))}
    </fieldset>
  );
}
