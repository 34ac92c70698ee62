"use client";

import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { addMemberAction } from "@/lib/actions/members";
import { Button } from "@/components/ui/button";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { addMemberSchema, type AddMemberInput } from "@/lib/validation/members";
import { applyServerErrors } from "@/components/form-errors";

export function AddMemberForm() {
  const form = useForm<AddMemberInput>({
    resolver: zodResolver(addMemberSchema),
    defaultValues: { name: "", email: "", password: "", role: "member" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await addMemberAction(values);
    if (!result.ok) {
      applyServerErrors(form, result);
      return;
    }
    toast.success(`Added ${result.data.email}`);
    form.reset();
  });

  return (
    <form onSubmit={onSubmit} className="mt-4 space-y-4" noValidate>
      <TextField label="Name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
      <TextField label="Email" type="email" autoComplete="off" error={errors.email?.message} {...form.register("email")} />
      <TextField
        label="Initial password"
        type="password"
        autoComplete="new-password"
        hint="Share it with them privately; at least 8 characters."
        error={errors.password?.message}
        {...form.register("password")}
      />
      <SelectField
        label="Role"
        options={[
          { value: "member", label: "Member" },
          { value: "admin", label: "Admin" },
        ]}
        error={errors.role?.message}
        {...form.register("role")}
      />
      <FormError message={errors.root?.server?.message} />
      <Button type="submit" pending={isSubmitting}>
        Add member
      </Button>
    </form>
  );
}
