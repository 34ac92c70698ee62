import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { catalogCategories } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { listCustomServices } from "@/lib/services/list-custom";
import { authTypeLabels } from "@/lib/validation/enums";
import { ServicePicker } from "@/components/connections/service-picker";

export const metadata: Metadata = { title: "Pick your Service" };

export default async function PickServicePage() {
  const actor = await requireActor();
  const custom = await listCustomServices(await getDb(), { orgId: actor.orgId });
  const services = catalogCategories(serviceCatalog()).flatMap((g) =>
    g.entries.map((e) => ({
      linkName: e.linkName,
      name: e.name,
      category: g.category,
      description: e.description,
      icon: e.icon,
      color: e.color,
      authLabel: authTypeLabels[e.authType],
    })),
  );
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/connections" className="hover:underline">Connections</Link> / Add Connection
      </nav>
      <h1 className="text-2xl font-semibold">Pick your Service</h1>
      <ServicePicker
        services={services}
        custom={custom.map((c) => ({
          id: c.id,
          linkName: c.linkName,
          name: c.name,
          authLabel: authTypeLabels[c.authType],
          creatorName: c.creatorName,
          canEdit: c.createdBy === actor.id,
        }))}
      />
    </div>
  );
}
