import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  await requireActor();
  return (
    <div className="space-y-8">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Connections</h1>
        <Link
          href="/connections/new"
          className="inline-flex h-10 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700"
        >
          Add Connection
        </Link>
      </div>
      <section aria-labelledby="own-heading">
        <h2 id="own-heading" className="text-lg font-semibold">Own Connections</h2>
        <p className="mt-2 text-sm text-slate-600">You have not created any connections yet.</p>
      </section>
      <section aria-labelledby="shared-heading">
        <h2 id="shared-heading" className="text-lg font-semibold">Shared Connections</h2>
        <p className="mt-2 text-sm text-slate-600">No shared connections.</p>
      </section>
    </div>
  );
}
