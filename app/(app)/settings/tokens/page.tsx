import type { Metadata } from "next";
import { getDb } from "@/db";
import { listAccessTokens, listCallableConnections } from "@/lib/auth/access-tokens";
import { requireActor } from "@/lib/auth/session";
import { AccessTokens } from "@/components/access-tokens";

export const metadata: Metadata = { title: "Personal access tokens" };

export default async function TokensPage() {
  const actor = await requireActor();
  const db = await getDb();
  const [tokens, callable] = await Promise.all([listAccessTokens(db, actor), listCallableConnections(db, actor)]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Personal access tokens</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Scripts call <code className="rounded bg-slate-100 px-1">POST /api/v1/invoke</code> with{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code>. A token acts as you.
        </p>
      </div>
      <AccessTokens tokens={tokens} connections={callable} />
    </div>
  );
}
