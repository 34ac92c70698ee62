"use client";

import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type { ConnectionListDto, ConnectionRowDto } from "@/lib/connections/dto";
import { connectionHealthLabels, connectionHealths } from "@/lib/validation/connections";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/local-time";
import { Pager } from "@/components/pager";
import { StatusBadge } from "./status-badge";
import { useRevokeDelete } from "./connection-actions";
import { useConnect } from "./use-connect";

type Tab = "own" | "shared" | "available";

/** Row actions, revealed on hover or keyboard focus within the row (docs/product.md §4). */
function RowActions({ row, tab }: { row: ConnectionRowDto; tab: Tab }) {
  const router = useRouter();
  const { prepare, connect, pending, dialog } = useConnect({
    serviceName: row.serviceName,
    credentialFields: row.credentialFields,
    credentialHosts: row.credentialHosts,
    serviceVersion: row.serviceVersion,
  });
  const { askRevoke, askDelete, dialogs } = useRevokeDelete(row);
  const connected = row.status !== "not_connected";
  const connectLabel = tab === "own" ? "Connect" : "Authorize";
  return (
    <div className="flex justify-end gap-1 opacity-0 transition-opacity group-hover:opacity-100 group-focus-within:opacity-100 focus-within:opacity-100">
      {row.canEdit ? (
        <Button size="sm" variant="ghost" onClick={() => router.push(`/connections/${row.id}/edit`)}>
          Edit
        </Button>
      ) : null}
      {connected ? (
        <Button size="sm" variant="ghost" onClick={askRevoke}>
          Revoke
        </Button>
      ) : (
        <Button
          size="sm"
          variant="ghost"
          pending={pending}
          onClick={() => {
            const popup = prepare(row.connectKind);
            void connect(row.id, row.connectKind, popup);
          }}
        >
          {connectLabel}
        </Button>
      )}
      {row.canDelete ? (
        <Button size="sm" variant="ghost" className="text-red-700" onClick={askDelete}>
          Delete
        </Button>
      ) : null}
      {dialog}
      {dialogs}
    </div>
  );
}

const sortable = new Set(["name", "linkName", "status", "lastUsedAt"]);

/**
 * A connections table whose paging, sorting and filter live in the URL and run on the
 * server (lib/connections/list-connections.ts), so it stays fast at 10,000 rows.
 */
export function ConnectionsTable({
  tab,
  data,
  caption,
  emptyText,
}: {
  tab: Tab;
  data: ConnectionListDto;
  caption: string;
  emptyText: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const key = (name: string) => `${tab}_${name}`;
  const sort = params.get(key("sort")) ?? "createdAt";
  const dir = params.get(key("dir")) ?? "desc";
  const [filter, setFilter] = useState(params.get(key("q")) ?? "");
  const firstRender = useRef(true);

  function navigate(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === "") next.delete(key(k));
      else next.set(key(k), v);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const timer = setTimeout(() => navigate({ q: filter, page: undefined }), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter]);

  const columns = useMemo<ColumnDef<ConnectionRowDto>[]>(
    () => [
      {
        id: "name",
        header: "Name",
        cell: ({ row }) => (
          <Link
            href={`/connections/${row.original.id}`}
            className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
          >
            {row.original.name}
          </Link>
        ),
      },
      {
        id: "linkName",
        header: "Link Name",
        cell: ({ row }) => <code className="font-mono text-xs">{row.original.linkName}</code>,
      },
      { id: "service", header: "Service", cell: ({ row }) => row.original.serviceName },
      ...(tab === "own"
        ? []
        : [{ id: "owner", header: "Owner", cell: ({ row }) => row.original.ownerName } as ColumnDef<ConnectionRowDto>]),
      { id: "status", header: "Status", cell: ({ row }) => <StatusBadge health={row.original.health} /> },
      {
        id: "lastUsedAt",
        header: "Last used",
        cell: ({ row }) =>
          row.original.lastUsedAt ? <LocalTime iso={row.original.lastUsedAt} /> : <span className="text-slate-500">Never</span>,
      },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => <RowActions row={row.original} tab={tab} />,
      },
    ],
    [tab],
  );

  const sorting: SortingState = sortable.has(sort) ? [{ id: sort, desc: dir === "desc" }] : [];
  // We do not use the React Compiler; TanStack's table instance is recreated each render on purpose.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: data.rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    rowCount: data.total,
    state: { sorting, pagination: { pageIndex: data.page - 1, pageSize: data.pageSize } },
  });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const filterId = `${tab}-filter`;
  const healthId = `${tab}-health`;
  const [health, setHealth] = useState(params.get(key("health")) ?? "");

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <label htmlFor={filterId} className="block text-xs font-medium text-slate-600">
            Filter {caption}
          </label>
          <input
            id={filterId}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Name, link name or service"
            className="mt-1 w-64 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
          />
        </div>
        <div>
          <label htmlFor={healthId} className="block text-xs font-medium text-slate-600">
            Health in {caption}
          </label>
          <select
            id={healthId}
            value={health}
            onChange={(e) => {
              setHealth(e.target.value);
              navigate({ health: e.target.value || undefined, page: undefined });
            }}
            className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
          >
            <option value="">All</option>
            {connectionHealths.map((h) => (
              <option key={h} value={h}>
                {connectionHealthLabels[h]}
              </option>
            ))}
          </select>
        </div>
        <p className="text-xs text-slate-500" aria-live="polite">
          {data.total} connection{data.total === 1 ? "" : "s"}
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const id = header.column.id;
                  const active = sort === id;
                  const ariaSort = active ? (dir === "asc" ? "ascending" : "descending") : sortable.has(id) ? "none" : undefined;
                  return (
                    <th key={header.id} scope="col" aria-sort={ariaSort} className="px-4 py-2 font-medium">
                      {sortable.has(id) ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 hover:text-slate-900"
                          onClick={() => navigate({ sort: id, dir: active && dir === "asc" ? "desc" : "asc", page: undefined })}
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          {active ? (
                            dir === "asc" ? (
                              <ArrowUp aria-hidden size={12} />
                            ) : (
                              <ArrowDown aria-hidden size={12} />
                            )
                          ) : (
                            <ArrowUpDown aria-hidden size={12} />
                          )}
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="px-4 py-6 text-center text-slate-600">
                  {filter ? `No connection matches “${filter}”.` : health ? "No connection has that health." : emptyText}
                </td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr key={row.id} className="group border-t border-slate-100 hover:bg-slate-50 focus-within:bg-slate-50">
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className="px-4 py-2 align-middle">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Pager label={`${caption} pages`} page={data.page} pages={pages} onPage={(p) => navigate({ page: String(p) })} />
    </div>
  );
}
