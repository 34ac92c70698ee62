/** A column of {@link TableHeader}: its visible name, or a name only screen readers get (an actions column). */
export type TableColumn = string | { label: string; visuallyHidden: true };

const looks = {
  /** The app's bordered tables. */
  default: { head: "bg-slate-50 text-left text-slate-600", cell: "px-4 py-2 font-medium" },
  /** A small table inside a card (a webhook's deliveries). */
  compact: { head: "text-left text-slate-600", cell: "py-1 pr-4 font-medium" },
} as const;

/**
 * A table's `<thead>`: one row of `scope="col"` headers, so every table names its columns for
 * assistive technology the same way.
 */
export function TableHeader({ columns, look = "default" }: { columns: readonly TableColumn[]; look?: keyof typeof looks }) {
  const { head, cell } = looks[look];
  return (
    <thead className={head}>
      <tr>
        {columns.map((column) => {
          const label = typeof column === "string" ? column : column.label;
          return (
            <th key={label} scope="col" className={cell}>
              {typeof column === "string" ? column : <span className="sr-only">{label}</span>}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
