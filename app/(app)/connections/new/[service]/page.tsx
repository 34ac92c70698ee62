import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { findCatalogEntry } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { credentialFields } from "@/lib/connections/get-connection-summary";
import { connectKindOf, credentialHosts, definitionFromCatalog, type ServiceDefinition } from "@/lib/services/definition";
import { findCustomServiceByLinkName } from "@/lib/services/list-custom";
import { definitionFromCustom, hasServiceClient } from "@/lib/services/resolve";
import { authTypeLabels } from "@/lib/validation/enums";
import { ConnectionDetailsForm } from "@/components/connections/connection-details-form";
import { ServiceIcon } from "@/components/service-icon";

export const metadata: Metadata = { title: "Connection Details" };

export default async function ConnectionDetailsPage({ params }: { params: Promise<{ service: string }> }) {
  const actor = await requireActor();
  const { service: linkName } = await params;
  const db = await getDb();
  const entry = findCatalogEntry(serviceCatalog(), linkName);
  let def: ServiceDefinition | undefined = entry ? definitionFromCatalog(entry) : undefined;
  if (!def) {
    const row = await findCustomServiceByLinkName(db, actor, { linkName });
    if (row) def = definitionFromCustom(row);
  }
  if (!def) notFound();
  const configured = await hasServiceClient(db, actor, def);
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
        / {def.name}
      </nav>
      <div className="flex items-center gap-3">
        <ServiceIcon icon={def.icon} color={def.color} />
        <div>
          <p className="text-sm text-slate-600">
            {def.name} · {authTypeLabels[def.authType]}
            {def.createdBy === actor.id ? (
              <>
                {" "}
                ·{" "}
                <Link
                  href={`/services/${def.ref.kind === "custom" ? def.ref.id : ""}/edit`}
                  className="font-medium text-brand-700 underline"
                >
                  Edit service
                </Link>
              </>
            ) : null}
          </p>
          <h1 className="text-2xl font-semibold">Connection Details</h1>
        </div>
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6">
        <ConnectionDetailsForm
          service={{
            ref: def.ref,
            name: def.name,
            authType: def.authType,
            scopes: def.oauth2?.scopes ?? [],
            freeScopes: def.oauth2?.freeScopes ?? false,
            notConfigured: !configured,
            configureHref:
              !configured && def.ref.kind === "catalog" && actor.role === "admin" ? "/settings/oauth-apps" : undefined,
            connectKind: connectKindOf(def),
            credentialFields: credentialFields(def),
            credentialHosts: credentialHosts(def),
            serviceVersion: def.version,
          }}
        />
      </div>
    </div>
  );
}
