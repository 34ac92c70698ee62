import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { callbackBase } from "@/lib/services/redirect-uri";
import { Forbidden, NotFound } from "@/lib/errors";
import { getCustomServiceForEdit, type CustomServiceEditDto } from "@/lib/services/get-custom-service-for-edit";
import { editorValuesFromConfig } from "@/lib/validation/service-editor";
import { ServiceEditor } from "@/components/services/service-editor";

export const metadata: Metadata = { title: "Edit service" };

export default async function EditServicePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  let dto: CustomServiceEditDto;
  try {
    dto = await getCustomServiceForEdit(await getDb(), actor, id);
  } catch (error) {
    if (error instanceof NotFound) notFound();
    if (error instanceof Forbidden) {
      return (
        <div className="max-w-2xl space-y-4">
          <h1 className="text-2xl font-semibold">Edit service</h1>
          <p role="alert" className="text-sm text-slate-700">
            {error.message}.
          </p>
          <Link href="/connections/new" className="text-sm font-medium text-brand-700 underline">
            Back to Pick your Service
          </Link>
        </div>
      );
    }
    throw error;
  }
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
        / {dto.name}
      </nav>
      <div>
        <h1 className="text-2xl font-semibold">Edit service</h1>
        <p className="mt-1 text-sm text-slate-600">
          Saving revokes the credentials of every connection that uses this service
          {dto.connectionCount ? ` (${dto.connectionCount} now)` : ""}: their owners authorize them again.
        </p>
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6">
        <ServiceEditor callbackBase={callbackBase()} edit={editorValuesFromConfig(dto)} />
      </div>
    </div>
  );
}
