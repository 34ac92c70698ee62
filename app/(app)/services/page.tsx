import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { catalogCategories } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { listCustomServices } from "@/lib/services/list-custom";
import { authTypeLabels } from "@/lib/validation/enums";
import { ServicePicker } from "@/components/connections/service-picker";

export const metadata: Metadata = { title: "Services" };

/** Every service this organization can connect to; picking one starts a connection. */
export default async function ServicesPage() {
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
      <div>
        <h1 className="text-2xl font-semibold">Services</h1>
        <p className="mt-1 text-sm text-slate-600">
          The default services of this deployment and the custom services of {actor.orgName}. Pick one to create a connection.
        </p>
      </div>
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
