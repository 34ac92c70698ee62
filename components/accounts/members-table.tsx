"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { changeRoleAction, passwordResetLinkAction, removeMemberAction } from "@/lib/actions/accounts";
import type { MemberDto } from "@/lib/auth/users";
import { CopyButton } from "@/components/copy-button";
import { Button } from "@/components/ui/button";
import { Modal } from "@/components/ui/dialog";
import { FormError, SelectField } from "@/components/ui/field";
import { roleOptions } from "./invite-member";
import { TableHeader } from "@/components/ui/table-header";

type Props = { members: MemberDto[]; actorId: string; isAdmin: boolean };

/** Settings → Members: everyone, and for admins each member's role, a reset link and "Remove". */
export function MembersTable({ members, actorId, isAdmin }: Props) {
  const router = useRouter();
  const [changing, setChanging] = useState<string>();
  const [reset, setReset] = useState<{ member: MemberDto; link?: string; pending: boolean }>();
  const [removing, setRemoving] = useState<MemberDto>();

  async function changeRole(member: MemberDto, role: "admin" | "member") {
    setChanging(member.id);
    const result = await changeRoleAction({ userId: member.id, role });
    setChanging(undefined);
    if (!result.ok) {
      toast.error(result.message);
      router.refresh();
      return;
    }
    toast.success(`${member.name} is now ${role === "admin" ? "an admin" : "a member"}`);
    router.refresh();
  }

  async function createResetLink(member: MemberDto) {
    setReset({ member, pending: true });
    const result = await passwordResetLinkAction({ userId: member.id });
    if (!result.ok) {
      setReset(undefined);
      toast.error(result.message);
      return;
    }
    setReset({ member, link: result.data.link, pending: false });
  }

  return (
    <>
      <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="sr-only">Members</caption>
        <TableHeader columns={["Name", "Email", "Role", { label: "Actions", visuallyHidden: true }]} />
        <tbody>
          {members.map((m) => (
            <tr key={m.id} className="border-t border-slate-100">
              <td className="px-4 py-2">
                {m.name}
                {m.id === actorId ? <span className="ml-1 text-slate-500">(you)</span> : null}
              </td>
              <td className="px-4 py-2">{m.email}</td>
              <td className="px-4 py-2">
                {isAdmin ? (
                  <SelectField
                    label={`Role of ${m.name}`}
                    className="[&>label]:sr-only"
                    options={roleOptions}
                    value={m.role}
                    disabled={changing === m.id}
                    aria-busy={changing === m.id || undefined}
                    onChange={(e) => changeRole(m, e.target.value as "admin" | "member")}
                  />
                ) : (
                  <span className="capitalize">{m.role}</span>
                )}
              </td>
              {isAdmin ? (
                <td className="space-x-2 px-4 py-2 text-right whitespace-nowrap">
                  <Button
                    variant="secondary"
                    size="sm"
                    aria-label={`Reset password of ${m.name}`}
                    pending={reset?.member.id === m.id && reset.pending}
                    onClick={() => createResetLink(m)}
                  >
                    Reset password
                  </Button>
                  {m.id !== actorId ? (
                    <Button variant="secondary" size="sm" aria-label={`Remove ${m.name}`} onClick={() => setRemoving(m)}>
                      Remove
                    </Button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <Modal
        open={Boolean(reset?.link)}
        onOpenChange={(open) => (open ? undefined : setReset(undefined))}
        title={`Password reset link for ${reset?.member.name ?? ""}`}
        description="Send it to them privately. It is shown only once, works once, and expires in 24 hours."
      >
        <div className="flex items-center gap-2">
          <code aria-label="Password reset link" className="rounded bg-slate-100 px-2 py-1 font-mono text-xs break-all">
            {reset?.link}
          </code>
          <CopyButton text={reset?.link ?? ""} label="Copy link" />
        </div>
        <div className="mt-4 flex justify-end">
          <Button variant="secondary" onClick={() => setReset(undefined)}>
            Done
          </Button>
        </div>
      </Modal>
      {removing ? (
        <RemoveMemberDialog
          member={removing}
          others={members.filter((m) => m.id !== removing.id)}
          onClose={() => setRemoving(undefined)}
          onRemoved={() => {
            setRemoving(undefined);
            router.refresh();
          }}
        />
      ) : null}
    </>
  );
}

function RemoveMemberDialog({
  member,
  others,
  onClose,
  onRemoved,
}: {
  member: MemberDto;
  others: MemberDto[];
  onClose: () => void;
  onRemoved: () => void;
}) {
  const [choice, setChoice] = useState<"hand_over" | "delete">("hand_over");
  const [heir, setHeir] = useState(others[0]?.id ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function remove() {
    setPending(true);
    setError(undefined);
    const result = await removeMemberAction({
      userId: member.id,
      connections: choice,
      handOverTo: choice === "hand_over" ? heir : undefined,
    });
    setPending(false);
    if (!result.ok) {
      setError(result.fieldErrors?.handOverTo?.[0] ?? result.message);
      return;
    }
    const { handedOver, deletedConnections, revocationFailures } = result.data;
    const what =
      choice === "hand_over" ? `${handedOver} connection(s) handed over` : `${deletedConnections} connection(s) deleted`;
    toast.success(`${member.name} was removed; ${what}`);
    if (revocationFailures)
      toast.warning(`${revocationFailures} provider(s) could not be told; the credentials are deleted here.`);
    onRemoved();
  }

  return (
    <Modal
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Remove ${member.name}?`}
      description="Their sessions and access tokens stop at once; their credentials are deleted and revoked at the provider."
    >
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Their connections</legend>
        <div role="radiogroup" aria-label="Their connections" className="space-y-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="connections" checked={choice === "hand_over"} onChange={() => setChoice("hand_over")} />
            Hand them to another member
          </label>
          {choice === "hand_over" ? (
            <SelectField
              label="New owner"
              className="ml-6"
              options={others.map((o) => ({ value: o.id, label: `${o.name} (${o.email})` }))}
              value={heir}
              onChange={(e) => setHeir(e.target.value)}
            />
          ) : null}
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="connections" checked={choice === "delete"} onChange={() => setChoice("delete")} />
            Delete them
          </label>
        </div>
      </fieldset>
      <div className="mt-3">
        <FormError message={error} />
      </div>
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button variant="danger" pending={pending} onClick={remove}>
          Remove member
        </Button>
      </div>
    </Modal>
  );
}
