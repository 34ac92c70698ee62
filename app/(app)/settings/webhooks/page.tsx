import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { listWebhooks } from "@/lib/webhooks/manage-webhooks";
import { Webhooks } from "@/components/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const actor = await requireActor();
  const isAdmin = actor.role === "admin";
  const hooks = isAdmin ? await listWebhooks(await getDb(), actor) : [];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Webhooks</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Connections posts an event to your endpoint when a connection of {actor.orgName} is created, revoked or deleted, or when
          a credential needs re-authentication or a token refresh fails. Deliveries are signed per the Standard Webhooks
          specification (<code className="rounded bg-slate-100 px-1">webhook-id</code>,{" "}
          <code className="rounded bg-slate-100 px-1">webhook-timestamp</code>,{" "}
          <code className="rounded bg-slate-100 px-1">webhook-signature</code>) and retried with backoff.
        </p>
      </div>
      {isAdmin ? <Webhooks webhooks={hooks} /> : <p className="text-sm text-slate-600">Only an admin can manage webhooks.</p>}
    </div>
  );
}
