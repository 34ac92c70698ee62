import Link from "next/link";
import { requireActor } from "@/lib/auth/session";
import { MainNav } from "@/components/main-nav";
import { SignOutButton } from "@/components/sign-out-button";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
          <Link href="/connections" aria-label="Connections home" className="font-semibold text-brand-700">
            <span aria-hidden>◆</span> Connections
          </Link>
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
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
