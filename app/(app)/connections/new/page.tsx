import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { pickerServices } from "@/lib/services/picker";
import { ServicePicker } from "@/components/connections/service-picker";

export const metadata: Metadata = { title: "Pick your Service" };

export default async function PickServicePage() {
  const actor = await requireActor();
  const { services, custom } = await pickerServices(await getDb(), actor);
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/connections" className="hover:underline">
          Connections
        </Link>{" "}
        / Add Connection
      </nav>
      <h1 className="text-2xl font-semibold">Pick your Service</h1>
      <ServicePicker services={services} custom={custom} />
    </div>
  );
}
