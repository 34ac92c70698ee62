import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { listOwnCalls } from "@/lib/calls/list-own-calls";
import { callLogQuerySchema } from "@/lib/validation/call-log";
import { MyCalls } from "@/components/calls/my-calls";

export const metadata: Metadata = { title: "My calls" };

export default async function MyCallsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requireActor();
  const params = await searchParams;
  const parsed = callLogQuerySchema.safeParse({ page: params.calls_page, outcome: params.calls_outcome });
  const query = parsed.success ? parsed.data : callLogQuerySchema.parse({});
  const calls = await listOwnCalls(await getDb(), actor, query);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">My calls</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every call you made through a connection of {actor.orgName}, yours or a colleague&apos;s, newest first. Calls others
          made through your connections are on each connection&apos;s page under{" "}
          <Link href="/connections" className="text-brand-700 underline">
            Connections
          </Link>
          .
        </p>
      </div>
      <MyCalls key={query.outcome} data={calls} outcome={query.outcome} />
    </div>
  );
}
