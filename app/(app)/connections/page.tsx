import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { listConnections, type ListTab } from "@/lib/connections/list-connections";
import { listQuerySchema } from "@/lib/validation/connections";
import { ConnectionsTable } from "@/components/connections/connections-table";
import { LinkButton } from "@/components/link-button";

export const metadata: Metadata = { title: "Connections" };

type Search = Record<string, string | string[] | undefined>;

/** Each table keeps its own page, sort and filter in the URL under its prefix (own_page, shared_q, …). */
function queryFor(tab: ListTab, search: Search) {
  const pick = (name: string) => {
    const v = search[`${tab}_${name}`];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = listQuerySchema.safeParse({
    page: pick("page"),
    sort: pick("sort"),
    dir: pick("dir"),
    q: pick("q"),
    health: pick("health") || undefined,
  });
  return parsed.success ? parsed.data : listQuerySchema.parse({});
}

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireActor();
  const search = await searchParams;
  const db = await getDb();
  const [own, shared, available] = await Promise.all([
    listConnections(db, actor, "own", queryFor("own", search)),
    listConnections(db, actor, "shared", queryFor("shared", search)),
    listConnections(db, actor, "available", queryFor("available", search)),
  ]);
  return (
    <div className="space-y-10">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Connections</h1>
        <LinkButton href="/connections/new">Add Connection</LinkButton>
      </div>
      <section aria-labelledby="own-heading" className="space-y-3">
        <h2 id="own-heading" className="text-lg font-semibold">
          Own Connections
        </h2>
        <ConnectionsTable
          tab="own"
          data={own}
          caption="Own Connections"
          emptyText="You have not created any connections yet. Use Add Connection to start."
        />
      </section>
      <section aria-labelledby="shared-heading" className="space-y-3">
        <h2 id="shared-heading" className="text-lg font-semibold">
          Shared Connections
        </h2>
        <ConnectionsTable
          tab="shared"
          data={shared}
          caption="Shared Connections"
          emptyText="Connections that others share with “use credentials of login user” appear here once you authorize them."
        />
      </section>
      {available.total > 0 ? (
        <section aria-labelledby="available-heading" className="space-y-3">
          <h2 id="available-heading" className="text-lg font-semibold">
            Waiting for your authorization
          </h2>
          <p className="text-sm text-slate-600">
            Shared by people in your organization: Authorize one with your own account to use it; it then moves to Shared
            Connections.
          </p>
          <ConnectionsTable tab="available" data={available} caption="Waiting for your authorization" emptyText="" />
        </section>
      ) : null}
    </div>
  );
}
