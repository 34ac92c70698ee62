import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

/** Puts a server action's field errors under their fields and the rest in root.server. */
export function applyServerErrors<T extends FieldValues>(
  form: UseFormReturn<T>,
  result: { message: string; fieldErrors?: Record<string, string[]> },
): void {
  const fields = Object.keys(form.getValues());
  let placed = false;
  for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
    if (messages?.[0] && fields.includes(field)) {
      form.setError(field as Path<T>, { type: "server", message: messages[0] });
      placed = true;
    }
  }
  // A message already shown under its field is not repeated above the button.
  if (!placed) {
    form.setError("root.server", { type: "server", message: result.message });
  }
}
