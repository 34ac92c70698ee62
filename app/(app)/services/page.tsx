import type { Metadata } from "next";
import { requireActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage() {
  const actor = await requireActor();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Services</h1>
      <p className="text-sm text-slate-600">The default services and the custom services of {actor.orgName}.</p>
    </div>
  );
}
