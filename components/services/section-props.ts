import type { UseFormReturn } from "react-hook-form";
import type { ServiceEditorInitial, ServiceEditorValues } from "@/lib/validation/service-editor";

/** What each authentication type's part of the service editor gets from the editor. */
export type ServiceSectionProps = {
  form: UseFormReturn<ServiceEditorValues>;
  edit?: ServiceEditorInitial;
  callbackUrl: string;
  /** Shown under a secret input when one is stored: blank keeps it. */
  secretHint?: string;
  paramTypeOptions: Array<{ value: string; label: string }>;
};
