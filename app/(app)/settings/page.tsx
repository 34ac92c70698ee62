import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requireActor();
  const sections = [
    { href: "/settings/account", title: "Account", text: "Your password and your sessions." },
    { href: "/settings/members", title: "Members", text: `People of ${actor.orgName}, their roles and invitations.` },
    { href: "/settings/tokens", title: "Personal access tokens", text: "Tokens for scripts that call the invoke API." },
    { href: "/settings/oauth-apps", title: "OAuth apps", text: "Client IDs and secrets of the default services that use OAuth." },
    ...(actor.role === "admin"
      ? [
          {
            href: "/settings/webhooks",
            title: "Webhooks",
            text: "Signed notifications to your endpoint when connections change.",
          },
        ]
      : []),
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <ul className="grid gap-4 sm:grid-cols-2">
        {sections.map((s) => (
          <li key={s.href}>
            <Link href={s.href} className="block rounded-lg border border-slate-200 bg-white p-4 hover:border-brand-600">
              <span className="font-medium">{s.title}</span>
              <span className="mt-1 block text-sm text-slate-600">{s.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
