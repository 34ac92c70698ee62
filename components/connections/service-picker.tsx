"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { Pencil, Plus } from "lucide-react";
import { ServiceIcon } from "@/components/service-icon";

export type PickerService = {
  linkName: string;
  name: string;
  category: string;
  description: string;
  icon?: string;
  color?: string;
  authLabel: string;
};
export type PickerCustomService = {
  id: string;
  linkName: string;
  name: string;
  authLabel: string;
  creatorName: string;
  canEdit: boolean;
};

/** "Pick your Service": a searchable grid of default services by category, and the "Custom Service" section. */
export function ServicePicker({ services, custom }: { services: PickerService[]; custom: PickerCustomService[] }) {
  const [query, setQuery] = useState("");
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (text: string) => words.every((w) => text.toLowerCase().includes(w));
  const groups = useMemo(() => {
    const byCategory = new Map<string, PickerService[]>();
    for (const s of services) {
      if (!matches(`${s.name} ${s.linkName} ${s.category} ${s.description}`)) continue;
      byCategory.set(s.category, [...(byCategory.get(s.category) ?? []), s]);
    }
    return [...byCategory.entries()];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [services, query]);
  const customMatches = custom.filter((c) => matches(`${c.name} ${c.linkName}`));

  return (
    <div className="space-y-8">
      <div className="max-w-md">
        <label htmlFor="service-search" className="block text-sm font-medium text-slate-800">
          Search services
        </label>
        <input
          id="service-search"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Google Drive, Slack, GitHub…"
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          autoFocus
        />
      </div>

      <section aria-labelledby="custom-heading" className="space-y-3">
        <h2 id="custom-heading" className="text-lg font-semibold">
          Custom Service
        </h2>
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <li>
            <Link
              href="/services/new"
              className="flex h-full items-center gap-3 rounded-lg border border-dashed border-brand-600 bg-white p-3 text-brand-700 hover:bg-brand-50"
            >
              <Plus aria-hidden size={20} />
              <span className="font-medium">Create Your Own</span>
            </Link>
          </li>
          {customMatches.map((c) => (
            <li key={c.id} className="rounded-lg border border-slate-200 bg-white p-3">
              <Link href={`/connections/new/${c.linkName}`} className="flex items-center gap-3 hover:text-brand-700">
                <ServiceIcon icon="Puzzle" />
                <span>
                  <span id={`service-name-${c.id}`} className="block font-medium">
                    {c.name}
                  </span>
                  <span className="block text-xs text-slate-500">
                    {c.authLabel} · by {c.creatorName}
                  </span>
                </span>
              </Link>
              {c.canEdit ? (
                <Link
                  href={`/services/${c.id}/edit`}
                  className="mt-2 inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline"
                  aria-label="Edit service"
                  aria-describedby={`service-name-${c.id}`}
                >
                  <Pencil aria-hidden size={12} /> Edit
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {groups.length === 0 ? <p className="text-sm text-slate-600">No default service matches “{query}”.</p> : null}
      {groups.map(([category, entries]) => (
        <section key={category} aria-label={category} className="space-y-3">
          <h2 className="text-sm font-semibold tracking-wide text-slate-500 uppercase">{category}</h2>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            {entries.map((s) => (
              <li key={s.linkName}>
                <Link
                  href={`/connections/new/${s.linkName}`}
                  className="flex h-full items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 hover:border-brand-600"
                >
                  <ServiceIcon icon={s.icon} color={s.color} />
                  <span className="min-w-0">
                    <span className="block font-medium">{s.name}</span>
                    <span className="block truncate text-xs text-slate-500" title={s.description}>
                      {s.authLabel} · {s.description}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
