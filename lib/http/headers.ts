/** Header maps as callers give them: names in any case (RFC 9110 §5.1: names are case-insensitive). */

/** The value of a header, whatever case its name was given in. */
export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** A copy without the named headers, in any case. */
export function withoutHeaders(headers: Record<string, string>, names: Iterable<string>): Record<string, string> {
  const drop = new Set([...names].map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !drop.has(key.toLowerCase())));
}

/** Sets a header in place, replacing any spelling of it. */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  let key = name;
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === lower) {
      if (key === name) key = existing;
      else delete headers[existing];
    }
  }
  headers[key] = value;
}
