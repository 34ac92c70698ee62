"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { inviteMemberAction, revokeInvitationAction } from "@/lib/actions/accounts";
import type { InvitationDto } from "@/lib/accounts/invitations";
import { applyServerErrors } from "@/components/form-errors";
import { CopyButton } from "@/components/copy-button";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { inviteMemberSchema, type InviteMemberInput } from "@/lib/validation/accounts";
import { TableHeader } from "@/components/ui/table-header";

export const roleOptions = [
  { value: "member", label: "Member" },
  { value: "admin", label: "Admin" },
] as const;

/** Settings → Members, for admins: "Invite member", the new link shown once, and the pending invitations. */
export function InviteMember({ invitations }: { invitations: InvitationDto[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ link: string; email: string; emailed: boolean }>();
  const [revoking, setRevoking] = useState<string>();
  const form = useForm<InviteMemberInput>({
    resolver: zodResolver(inviteMemberSchema),
    defaultValues: { email: "", role: "member" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const result = await inviteMemberAction(values);
    if (!result.ok) {
      applyServerErrors(form, result);
      return;
    }
    setCreated(result.data);
    toast.success(
      result.data.emailed ? `Invitation emailed to ${result.data.email}` : `Invitation for ${result.data.email} created`,
    );
    form.reset();
    router.refresh();
  });

  async function revoke(invitation: InvitationDto) {
    setRevoking(invitation.id);
    const result = await revokeInvitationAction({ invitationId: invitation.id });
    setRevoking(undefined);
    if (!result.ok) {
      toast.error(result.message);
      return;
    }
    toast.success(`Invitation for ${invitation.email} revoked`);
    router.refresh();
  }

  return (
    <section aria-labelledby="invite-heading" className="space-y-4">
      <h2 id="invite-heading" className="text-lg font-semibold">
        Invite member
      </h2>
      <form onSubmit={onSubmit} className="flex max-w-xl flex-wrap items-start gap-2" noValidate>
        <TextField
          className="min-w-56 flex-1"
          label="Email"
          type="email"
          autoComplete="off"
          error={errors.email?.message}
          {...form.register("email")}
        />
        <SelectField label="Role" options={roleOptions} error={errors.role?.message} {...form.register("role")} />
        <div className="w-full">
          <FormError message={errors.root?.server?.message} />
        </div>
        <Button type="submit" pending={isSubmitting}>
          Invite member
        </Button>
      </form>
      {created ? (
        <div role="status" className="max-w-xl space-y-2 rounded-lg border border-green-200 bg-green-50 p-4 text-sm">
          <p className="font-medium text-green-900">
            Send this link to {created.email}
            {created.emailed ? " (we emailed it too)" : ""}. It is shown only once, works once, and expires in 7 days.
          </p>
          <div className="flex items-center gap-2">
            <code aria-label="Invitation link" className="rounded bg-white px-2 py-1 font-mono text-xs break-all">
              {created.link}
            </code>
            <CopyButton text={created.link} label="Copy link" />
          </div>
        </div>
      ) : null}
      <h3 className="text-base font-semibold">Pending invitations</h3>
      {invitations.length ? (
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
          <caption className="sr-only">Pending invitations</caption>
          <TableHeader columns={["Email", "Role", "Expires", { label: "Actions", visuallyHidden: true }]} />
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} className="border-t border-slate-100">
                <td className="px-4 py-2">{invitation.email}</td>
                <td className="px-4 py-2 capitalize">{invitation.role}</td>
                <td className="px-4 py-2">
                  <LocalTime iso={invitation.expiresAt} />
                </td>
                <td className="px-4 py-2 text-right">
                  <Button
                    variant="secondary"
                    size="sm"
                    aria-label={`Revoke invitation for ${invitation.email}`}
                    pending={revoking === invitation.id}
                    onClick={() => revoke(invitation)}
                  >
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-600">No pending invitations.</p>
      )}
    </section>
  );
}
