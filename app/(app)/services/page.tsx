import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { pickerServices } from "@/lib/services/picker";
import { ServicePicker } from "@/components/connections/service-picker";

export const metadata: Metadata = { title: "Services" };

/** Every service this organization can connect to; picking one starts a connection. */
export default async function ServicesPage() {
  const actor = await requireActor();
  const { services, custom } = await pickerServices(await getDb(), actor);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Services</h1>
        <p className="mt-1 text-sm text-slate-600">
          The default services of this deployment and the custom services of {actor.orgName}. Pick one to create a connection.
        </p>
      </div>
      <ServicePicker services={services} custom={custom} />
    </div>
  );
}
