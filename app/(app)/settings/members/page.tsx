import type { Metadata } from "next";
import { getDb } from "@/db";
import { listInvitations } from "@/lib/accounts/invitations";
import { requireActor } from "@/lib/auth/session";
import { listMembers } from "@/lib/auth/users";
import { InviteMember } from "@/components/accounts/invite-member";
import { MembersTable } from "@/components/accounts/members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const actor = await requireActor();
  const db = await getDb();
  const isAdmin = actor.role === "admin";
  const members = await listMembers(db, actor);
  const invitations = isAdmin ? await listInvitations(db, actor) : [];
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Members</h1>
        <p className="mt-1 text-sm text-slate-600">Everyone in {actor.orgName}.</p>
      </div>
      <MembersTable members={members} actorId={actor.id} isAdmin={isAdmin} />
      {isAdmin ? (
        <InviteMember invitations={invitations} />
      ) : (
        <p className="text-sm text-slate-600">Only an admin can invite members or change roles.</p>
      )}
    </div>
  );
}
