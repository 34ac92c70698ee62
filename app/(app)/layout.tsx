import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { listNeedsReauth } from "@/lib/connections/list-needs-reauth";
import { ReconnectBanner } from "@/components/connections/reconnect-banner";
import { MainNav } from "@/components/main-nav";
import { SignOutButton } from "@/components/sign-out-button";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const reconnect = await listNeedsReauth(await getDb(), actor);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
          {/* The product's name, not a second link: the "Connections" link is the main nav's. */}
          <span className="font-semibold text-brand-700">
            <span aria-hidden>◆</span> Connections
          </span>
          <MainNav />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="rounded-full bg-brand-50 px-2.5 py-0.5 font-medium text-brand-700" title="Organization">
              {actor.orgName}
            </span>
            <span className="text-slate-700" title={actor.email}>
              {actor.name} <span className="text-slate-500">({actor.email})</span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <ReconnectBanner connections={reconnect.rows} total={reconnect.total} />
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
