import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/session";
import { callbackBase } from "@/lib/services/redirect-uri";
import { ServiceEditor } from "@/components/services/service-editor";

export const metadata: Metadata = { title: "Create Your Own" };

/** "Create Your Own" (docs/product.md §6): the service, then Connection Details, then authentication. */
export default async function NewServicePage() {
  await requireActor();
  return (
    <div className="max-w-2xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/connections" className="hover:underline">
          Connections
        </Link>{" "}
        /{" "}
        <Link href="/connections/new" className="hover:underline">
          Pick your Service
        </Link>{" "}
        / Create Your Own
      </nav>
      <div>
        <h1 className="text-2xl font-semibold">Create Your Own</h1>
        <p className="mt-1 text-sm text-slate-600">
          A custom service is visible to everyone in your organization; only you can edit it.
        </p>
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6">
        <ServiceEditor callbackBase={callbackBase()} />
      </div>
    </div>
  );
}
