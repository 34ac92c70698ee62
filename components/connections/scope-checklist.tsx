"use client";

/** The service's scopes as checkboxes, each with its description (docs/product.md §4). */
export function ScopeChecklist({
  choices,
  selected,
  onChange,
  error,
}: {
  choices: Array<{ name: string; description: string }>;
  selected: string[];
  onChange: (next: string[]) => void;
  error?: string;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Scopes</legend>
      <ul className="max-h-64 space-y-2 overflow-y-auto rounded-md border border-slate-200 p-3">
        {choices.map((s) => {
          const id = `scope-${s.name}`;
          return (
            <li key={s.name} className="flex items-start gap-2">
              <input
                id={id}
                type="checkbox"
                className="mt-1"
                checked={selected.includes(s.name)}
                onChange={(e) => onChange(e.target.checked ? [...selected, s.name] : selected.filter((x) => x !== s.name))}
                aria-describedby={`${id}-desc`}
              />
              {/* The scope's name alone names the checkbox; its description describes it. */}
              <div className="text-sm">
                <label htmlFor={id} className="font-mono text-slate-900">
                  {s.name}
                </label>
                <span id={`${id}-desc`} className="block text-slate-600">
                  {s.description}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      {error ? <p className="text-xs text-red-600">{error}</p> : null}
    </fieldset>
  );
}
