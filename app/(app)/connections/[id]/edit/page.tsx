import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { getConnectionSummary } from "@/lib/connections/get-connection-summary";
import { NotFound } from "@/lib/errors";
import { EditConnectionForm } from "@/components/connections/edit-connection-form";

export const metadata: Metadata = { title: "Edit connection" };

export default async function EditConnectionPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const summary = await getConnectionSummary(await getDb(), actor, id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  if (!summary.isOwner) notFound(); // only the owner edits (docs/product.md §5); the server action checks again
  return (
    <div className="max-w-2xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/connections" className="hover:underline">
          Connections
        </Link>{" "}
        /{" "}
        <Link href={`/connections/${summary.id}`} className="hover:underline">
          {summary.name}
        </Link>{" "}
        / Edit
      </nav>
      <h1 className="text-2xl font-semibold">Edit connection</h1>
      <div className="rounded-xl border border-slate-200 bg-white p-6">
        <EditConnectionForm
          connection={{
            id: summary.id,
            name: summary.name,
            linkName: summary.linkName,
            scopes: summary.scopes,
            scopeChoices: summary.service.scopeChoices,
            freeScopes: summary.service.freeScopes,
            isOAuth2: summary.service.authType === "oauth2",
            connectKind: summary.connectKind,
            serviceName: summary.service.name,
            credentialFields: summary.credentialFields,
            credentialHosts: summary.credentialHosts,
            serviceVersion: summary.serviceVersion,
            access: summary.useLoginUserCredentials ? null : summary.access,
          }}
        />
      </div>
    </div>
  );
}
