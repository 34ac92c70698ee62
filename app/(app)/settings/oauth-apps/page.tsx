import type { Metadata } from "next";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { redirectUriFor } from "@/lib/services/redirect-uri";
import { listServiceApps } from "@/lib/services/apps";
import { authTypeLabels } from "@/lib/validation/enums";
import { ServiceAppConfigure } from "@/components/service-app-row";
import { ServiceIcon } from "@/components/service-icon";
import { TableHeader } from "@/components/ui/table-header";

export const metadata: Metadata = { title: "OAuth apps" };

export default async function OAuthAppsPage() {
  const actor = await requireActor();
  const apps = new Map((await listServiceApps(await getDb(), actor)).map((a) => [a.serviceLinkName, a]));
  const services = serviceCatalog()
    .filter((e) => e.authType === "oauth2" || e.authType === "oauth1")
    .sort((a, b) => a.name.localeCompare(b.name));
  const isAdmin = actor.role === "admin";
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">OAuth apps</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Default services that use OAuth need an app (client ID and secret) registered by your organization with the service.
          Each service has its own callback URL (shown below) to register with it.
          {isAdmin ? "" : " Only an admin can change these."}
        </p>
      </div>
      <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="sr-only">OAuth apps of default services</caption>
        <TableHeader columns={["Service", "Type", "Client ID", "Status", { label: "Actions", visuallyHidden: true }]} />
        <tbody>
          {services.map((s) => {
            const app = apps.get(s.linkName);
            const clientCredentials = s.oauth2?.grantType === "client_credentials";
            return (
              <tr key={s.linkName} className="border-t border-slate-100">
                <td className="px-4 py-2">
                  <span className="flex items-center gap-2">
                    <ServiceIcon icon={s.icon} color={s.color} size={14} />
                    {s.name}
                  </span>
                </td>
                <td className="px-4 py-2">
                  {authTypeLabels[s.authType]}
                  {clientCredentials ? " (client credentials)" : ""}
                </td>
                <td className="px-4 py-2 font-mono text-xs">{app?.clientId ?? "—"}</td>
                <td className="px-4 py-2">
                  {app ? "Configured (secret set)" : "Not configured"}
                  {app && clientCredentials ? (app.membersMayConnect ? "; members may connect" : "; admins only") : ""}
                  {clientCredentials ? null : (
                    <span className="mt-1 block font-mono text-xs break-all text-slate-600">{redirectUriFor(s.linkName)}</span>
                  )}
                </td>
                <td className="px-4 py-2 text-right">
                  {isAdmin ? (
                    <ServiceAppConfigure
                      service={{ linkName: s.linkName, name: s.name }}
                      current={app ? { clientId: app.clientId, membersMayConnect: app.membersMayConnect } : undefined}
                      callbackUrl={clientCredentials ? undefined : redirectUriFor(s.linkName)}
                      clientCredentials={clientCredentials}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
