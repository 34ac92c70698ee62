import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { listMembers } from "@/lib/auth/users";
import { AddMemberForm } from "@/components/add-member-form";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const actor = await requireActor();
  const members = await listMembers(await getDb(), actor);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Members</h1>
        <p className="mt-1 text-sm text-slate-600">Everyone in {actor.orgName}.</p>
      </div>
      <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="sr-only">Members of {actor.orgName}</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Email
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Role
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} className="border-t border-slate-100">
              <td className="px-4 py-2">{m.name}</td>
              <td className="px-4 py-2">{m.email}</td>
              <td className="px-4 py-2 capitalize">{m.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {actor.role === "admin" ? (
        <section aria-labelledby="add-member-heading" className="max-w-md rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="add-member-heading" className="text-lg font-semibold">
            Add member
          </h2>
          <AddMemberForm />
        </section>
      ) : (
        <p className="text-sm text-slate-600">Only an admin can add members.</p>
      )}
    </div>
  );
}
