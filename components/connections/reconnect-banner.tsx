"use client";

import Link from "next/link";
import type { ReconnectDto } from "@/lib/connections/dto";
import { Button } from "@/components/ui/button";
import { useConnect } from "./use-connect";

/** One credential to reconnect: consent runs again for the same connection, so its link name and scopes stay. */
function ReconnectRow({ connection }: { connection: ReconnectDto }) {
  const { prepare, connect, pending, dialog } = useConnect({
    serviceName: connection.serviceName,
    credentialFields: [],
    credentialHosts: connection.credentialHosts,
    serviceVersion: connection.serviceVersion,
  });
  const textId = `reconnect-${connection.id}`;
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-1.5">
      <span id={textId}>
        <Link href={`/connections/${connection.id}`} className="font-medium underline">
          {connection.name}
        </Link>{" "}
        (<code className="font-mono text-xs">{connection.linkName}</code>): {connection.serviceName} needs you to sign in again.
        Calls through it fail until you do.
      </span>
      <Button
        size="sm"
        variant="secondary"
        pending={pending}
        aria-describedby={textId}
        onClick={() => {
          const popup = prepare(connection.connectKind);
          void connect(connection.id, connection.connectKind, popup);
        }}
      >
        Reconnect
      </Button>
      {dialog}
    </li>
  );
}

/** The app shell's notice of the user's credentials that need re-authentication (docs/product.md §10). */
export function ReconnectBanner({ connections, total }: { connections: ReconnectDto[]; total: number }) {
  if (connections.length === 0) return null;
  return (
    <section aria-label="Needs re-authentication" className="border-b border-amber-200 bg-amber-50 text-sm text-amber-900">
      <div className="mx-auto max-w-6xl px-4 py-2">
        <p className="font-medium">
          {total === 1
            ? "A connection stopped working: reconnect it to keep using it."
            : `${total} connections stopped working: reconnect them to keep using them.`}
        </p>
        <ul className="divide-y divide-amber-200">
          {connections.map((c) => (
            <ReconnectRow key={c.id} connection={c} />
          ))}
        </ul>
        {total > connections.length ? (
          <Link href="/connections?own_health=needs_reauth&shared_health=needs_reauth" className="underline">
            See all {total}
          </Link>
        ) : null}
      </div>
    </section>
  );
}
