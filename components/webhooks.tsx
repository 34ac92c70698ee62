"use client";

import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { createWebhookAction, deleteWebhookAction, sendTestEventAction } from "@/lib/actions/webhooks";
import { CopyButton } from "@/components/copy-button";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import type { WebhookDto } from "@/lib/webhooks/manage-webhooks";
import { WEBHOOK_EVENTS, webhookEventLabels, type WebhookEventType } from "@/lib/validation/webhooks";
import { TableHeader } from "@/components/ui/table-header";

const statusLabels: Record<WebhookDto["deliveries"][number]["status"], string> = {
  pending: "Pending",
  retrying: "Retrying",
  succeeded: "Delivered",
  failed: "Failed",
};

/** Settings → Webhooks: add an endpoint (its secret shown once), send a test event, read the delivery log, delete. */
export function Webhooks({ webhooks }: { webhooks: WebhookDto[] }) {
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENTS]);
  const [errors, setErrors] = useState<{ url?: string; events?: string; form?: string }>({});
  const [pending, setPending] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [testing, setTesting] = useState<string>();
  const [deleting, setDeleting] = useState<WebhookDto>();

  // Deliveries are sent by background jobs: while one is on its way the log reads the page
  // again, often for a fresh one ("Pending"), less often while it waits for a retry.
  const unsettled = webhooks.flatMap((hook) => hook.deliveries).map((d) => d.status);
  const every = unsettled.includes("pending") ? 1_500 : unsettled.includes("retrying") ? 15_000 : undefined;
  useEffect(() => {
    if (every === undefined) return;
    const timer = setTimeout(() => router.refresh(), every);
    return () => clearTimeout(timer);
  }, [every, webhooks, router]);

  async function add(event: React.FormEvent) {
    event.preventDefault();
    setPending(true);
    const result = await createWebhookAction({ url, events });
    setPending(false);
    if (!result.ok) {
      const url = result.fieldErrors?.url?.[0];
      const events = result.fieldErrors?.events?.[0];
      setErrors({ url, events, form: url || events ? undefined : result.message });
      return;
    }
    setErrors({});
    setUrl("");
    setSecret(result.data.secret);
    toast.success("Webhook added");
    router.refresh();
  }

  async function sendTest(id: string) {
    setTesting(id);
    const result = await sendTestEventAction({ id });
    setTesting(undefined);
    if (result.ok) toast.success("Test event sent");
    else toast.error(result.message);
    router.refresh();
  }

  return (
    <div className="space-y-8">
      <form onSubmit={add} className="max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6" noValidate>
        <h2 className="text-lg font-semibold">New webhook</h2>
        <TextField
          label="Endpoint URL"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={errors.url}
          placeholder="https://example.com/hooks/connections"
        />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          {WEBHOOK_EVENTS.map((type) => (
            <label key={type} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={events.includes(type)}
                onChange={(e) =>
                  setEvents((current) => (e.target.checked ? [...current, type] : current.filter((t) => t !== type)))
                }
              />
              <code className="font-mono text-xs">{type}</code>
              <span className="text-slate-600">{webhookEventLabels[type]}</span>
            </label>
          ))}
          {errors.events ? <p className="text-xs text-red-600">{errors.events}</p> : null}
        </fieldset>
        <FormError message={errors.form} />
        <Button type="submit" pending={pending}>
          Add webhook
        </Button>
      </form>

      {secret ? (
        <div role="status" className="space-y-2 rounded-lg border border-green-200 bg-green-50 p-4 text-sm">
          <p className="font-medium text-green-900">Copy the signing secret now: it is shown only once.</p>
          <div className="flex items-center gap-2">
            <code aria-label="Signing secret" className="rounded bg-white px-2 py-1 font-mono text-xs break-all">
              {secret}
            </code>
            <CopyButton text={secret} label="Copy secret" />
          </div>
        </div>
      ) : null}

      {webhooks.length === 0 ? (
        <p className="text-sm text-slate-600">No webhooks yet.</p>
      ) : (
        webhooks.map((hook) => (
          <section
            key={hook.id}
            aria-label={`Webhook ${hook.url}`}
            className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
          >
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div>
                <h2 className="font-mono text-sm break-all">{hook.url}</h2>
                <p className="mt-1 text-xs text-slate-600">{hook.events.join(", ")}</p>
              </div>
              <div className="flex gap-2">
                <Button size="sm" variant="secondary" pending={testing === hook.id} onClick={() => sendTest(hook.id)}>
                  Send test event
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setDeleting(hook)}>
                  Delete
                </Button>
              </div>
            </div>
            <table className="w-full text-sm">
              <caption className="text-left text-xs font-medium text-slate-600">Deliveries</caption>
              <TableHeader columns={["Time", "Event", "Status", "Attempts", "Last answer"]} look="compact" />
              <tbody>
                {hook.deliveries.length === 0 ? (
                  <tr>
                    <td colSpan={5} className="py-2 text-slate-600">
                      No deliveries yet.
                    </td>
                  </tr>
                ) : (
                  hook.deliveries.map((d) => (
                    <tr key={d.id} className="border-t border-slate-100">
                      <td className="py-1 pr-4">
                        <LocalTime iso={d.createdAt} />
                      </td>
                      <td className="py-1 pr-4 font-mono text-xs">{d.eventType}</td>
                      <td className="py-1 pr-4">{statusLabels[d.status]}</td>
                      <td className="py-1 pr-4">{d.attempts}</td>
                      <td className="py-1 text-xs text-slate-600">
                        {d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? "—")}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </section>
        ))
      )}

      <ConfirmDialog
        open={deleting !== undefined}
        onOpenChange={(o) => !o && setDeleting(undefined)}
        title="Delete this webhook?"
        description={`Events stop going to ${deleting?.url ?? "this endpoint"}, and its delivery log is removed.`}
        confirmLabel="Delete"
        danger
        pending={pending}
        onConfirm={async () => {
          if (!deleting) return;
          setPending(true);
          const result = await deleteWebhookAction({ id: deleting.id });
          setPending(false);
          setDeleting(undefined);
          if (result.ok) toast.success("Webhook deleted");
          else toast.error(result.message);
          router.refresh();
        }}
      />
    </div>
  );
}
