import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db";
import { listConnectionAudit } from "@/lib/audit/audit";
import { requireActor } from "@/lib/auth/session";
import { findCatalogEntry } from "@/lib/catalog";
import { serviceCatalog } from "@/lib/catalog/runtime";
import { getConnectionSummary } from "@/lib/connections/get-connection-summary";
import { connectionSnippets, exampleUrlFor } from "@/lib/connections/snippets";
import { env } from "@/lib/env";
import { consentFailureOf, consentFailureText } from "@/lib/connections/consent-failures";
import { NotFound } from "@/lib/errors";
import { connectionAccessLabels } from "@/lib/validation/connections";
import { authTypeLabels } from "@/lib/validation/enums";
import { ConnectionActions } from "@/components/connections/connection-actions";
import { StatusBadge } from "@/components/connections/status-badge";
import { callSeries, listCallLog, listTokenRefreshes } from "@/lib/calls/list-call-log";
import { callLogQuerySchema } from "@/lib/validation/call-log";
import { CallsChart } from "@/components/connections/calls-chart";
import { RecentCalls } from "@/components/connections/recent-calls";
import { TokenRefreshes } from "@/components/connections/token-refreshes";
import { CopyButton } from "@/components/copy-button";
import { LocalTime } from "@/components/local-time";

export const metadata: Metadata = { title: "Connection summary" };

export default async function ConnectionSummaryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  const { id } = await params;
  const flash = await searchParams;
  // Only a known code is shown, in our words: a crafted ?error= link cannot put text on this page.
  const failure = consentFailureOf(flash.error);
  const db = await getDb();
  const summary = await getConnectionSummary(db, actor, id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  const parsedCalls = callLogQuerySchema.safeParse({ page: flash.calls_page, outcome: flash.calls_outcome });
  const callQuery = parsedCalls.success ? parsedCalls.data : callLogQuerySchema.parse({});
  // Each read applies the call log's own access rule (lib/calls/call-log-access.ts), not only this page's.
  const [events, calls, series, refreshes] = await Promise.all([
    listConnectionAudit(db, actor, { connectionId: summary.id, limit: 10 }),
    listCallLog(db, actor, summary.id, callQuery),
    callSeries(db, actor, summary.id),
    listTokenRefreshes(db, actor, summary.id),
  ]);
  const entry = summary.service.kind === "catalog" ? findCatalogEntry(serviceCatalog(), summary.service.linkName) : undefined;
  const snippets = connectionSnippets({
    appUrl: env().APP_URL,
    linkName: summary.linkName,
    exampleUrl: exampleUrlFor({
      baseUrl: summary.service.baseUrl,
      verifyPath: entry?.verify?.method === "GET" ? entry.verify.path : undefined,
      hosts: summary.credentialHosts,
    }),
  });
  const rows: Array<[string, React.ReactNode]> = [
    ["Service", summary.service.name],
    ["Authentication type", authTypeLabels[summary.service.authType]],
    ["Connection Name", summary.name],
    [
      "Connection Link Name",
      <code key="l" className="font-mono">
        {summary.linkName}
      </code>,
    ],
    ["Status", <StatusBadge key="s" health={summary.health} />],
    ["Scopes requested", summary.scopes.length ? summary.scopes.join(", ") : "—"],
    ["Scopes granted", summary.grantedScopes.length ? summary.grantedScopes.join(", ") : "—"],
    ["Owner", `${summary.owner.name} (${summary.owner.email})`],
    [
      "use credentials of login user",
      summary.useLoginUserCredentials
        ? `Yes (${summary.sharedAuthorizedCount} other user${summary.sharedAuthorizedCount === 1 ? "" : "s"} authorized)`
        : "No",
    ],
    ...(summary.useLoginUserCredentials
      ? []
      : ([["Who can use it", connectionAccessLabels[summary.access]]] as Array<[string, React.ReactNode]>)),
    [
      "Credential sent only to",
      <span key="h" className="font-mono text-xs">
        {summary.credentialHosts.join(", ") || "—"}
      </span>,
    ],
    ["Created", <LocalTime key="c" iso={summary.createdAt} />],
    [
      "Authorized",
      summary.authorizedAt && summary.status !== "not_connected" ? <LocalTime key="a" iso={summary.authorizedAt} /> : "—",
    ],
    ["Access token expires", summary.expiresAt ? <LocalTime key="e" iso={summary.expiresAt} /> : "—"],
    ["Last used", summary.lastUsedAt ? <LocalTime key="u" iso={summary.lastUsedAt} /> : "Never"],
  ];
  return (
    <div className="space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/connections" className="hover:underline">
          Connections
        </Link>{" "}
        / {summary.name}
      </nav>
      {flash.connected ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          Authorization complete.
        </p>
      ) : null}
      {flash.account_changed ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          Authorized with a different {summary.service.name} account than before. Calls through this connection now act as that
          account.
        </p>
      ) : null}
      {failure ? (
        <p role="status" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {consentFailureText[failure]}
        </p>
      ) : null}
      {summary.status === "needs_reauth" ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {summary.service.name} refused to refresh the access token. {summary.isOwner ? "Connect" : "Authorize"} again to keep
          using this connection.
        </p>
      ) : null}
      {summary.notConfigured ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {summary.service.name}: Not configured by your admin
        </p>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          {/* The page's title in the spec's words, once: it also names the summary section below. */}
          <h2 id="summary-heading" className="text-sm font-normal text-slate-600">
            Connection summary
          </h2>
          <h1 className="text-2xl font-semibold">{summary.name}</h1>
        </div>
        <ConnectionActions
          connection={{
            id: summary.id,
            name: summary.name,
            isOwner: summary.isOwner,
            status: summary.status,
            notConfigured: summary.notConfigured,
            connectKind: summary.connectKind,
            serviceName: summary.service.name,
            credentialFields: summary.credentialFields,
            credentialHosts: summary.credentialHosts,
            serviceVersion: summary.serviceVersion,
          }}
        />
      </div>

      <section aria-labelledby="summary-heading" className="rounded-xl border border-slate-200 bg-white">
        <dl className="divide-y divide-slate-100">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-3 gap-4 px-5 py-2.5 text-sm">
              <dt className="text-slate-600">{label}</dt>
              <dd className="col-span-2 text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="usage-heading" className="space-y-4">
        <h2 id="usage-heading" className="text-lg font-semibold">
          How to use it
        </h2>
        {(
          [
            ["Deluge", snippets.deluge, "Copy Deluge snippet"],
            ["curl", snippets.curl, "Copy curl snippet"],
            ["TypeScript", snippets.typescript, "Copy TypeScript snippet"],
          ] as const
        ).map(([title, code, label]) => (
          <figure key={title} className="rounded-lg border border-slate-200 bg-white">
            <figcaption className="flex items-center justify-between border-b border-slate-100 px-4 py-2 text-sm font-medium">
              {title}
              <CopyButton text={code} label={label} />
            </figcaption>
            <pre className="overflow-x-auto px-4 py-3 text-xs leading-relaxed" aria-label={`${title} snippet`}>
              <code>{code}</code>
            </pre>
          </figure>
        ))}
        <p className="text-sm text-slate-600">
          Run the Deluge snippet in the{" "}
          <Link href="/console" className="text-brand-700 underline">
            Script console
          </Link>
          . curl and the SDK need a{" "}
          <Link href="/settings/tokens" className="text-brand-700 underline">
            personal access token
          </Link>{" "}
          in <code>CONNECTIONS_TOKEN</code>.
        </p>
      </section>

      <section aria-labelledby="calls-heading" className="space-y-3">
        <h2 id="calls-heading" className="text-lg font-semibold">
          Recent calls
        </h2>
        {calls.onlyOwnCalls ? (
          <p className="text-sm text-slate-600">Only your own calls through this connection are shown.</p>
        ) : null}
        <CallsChart series={series} />
        <RecentCalls key={callQuery.outcome} data={calls} outcome={callQuery.outcome} />
      </section>

      <section aria-labelledby="refreshes-heading" className="space-y-3">
        <h2 id="refreshes-heading" className="text-lg font-semibold">
          Token refreshes
        </h2>
        <TokenRefreshes refreshes={refreshes} />
      </section>

      <section aria-labelledby="activity-heading" className="space-y-3">
        <h2 id="activity-heading" className="text-lg font-semibold">
          Recent activity
        </h2>
        {events.length === 0 ? (
          <p className="text-sm text-slate-600">No activity yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
            {events.map((e) => (
              <li key={e.id} className="flex justify-between gap-4 px-4 py-2">
                <span>
                  <span className="font-medium">{e.actorName ?? "Someone"}</span> {describeAction(e.action)}
                </span>
                <LocalTime iso={e.createdAt} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function describeAction(action: string): string {
  const words: Record<string, string> = {
    "connection.created": "created the connection",
    "connection.updated": "edited the connection",
    "connection.authorized": "authorized the connection",
    "connection.authorization_failed": "tried to authorize; it failed",
    "connection.revoked": "revoked their credential",
    "connection.needs_reauth": "— the service refused a token refresh",
    "connection.refreshed": "— the access token was refreshed",
  };
  return words[action] ?? action;
}
