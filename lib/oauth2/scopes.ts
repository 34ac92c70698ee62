import "server-only";

import { scopeDelimiterChars, type ScopeDelimiter } from "@/lib/validation/enums";

import { OAuth2Error } from "./errors";

/**
 * Joins scopes with the connection's delimiter ("comma" → ",", "space" → " ",
 * "plus" → "+"). The result is the *value* of the `scope` parameter; how it is
 * encoded on the wire is decided in `buildAuthorizationUrl` (see there).
 * Empty entries are dropped and duplicates removed, order kept. A scope that
 * contains whitespace or the delimiter itself cannot be sent unambiguously and is
 * refused with `invalid_scope`.
 */
export function joinScopes(scopes: readonly string[], delimiter: ScopeDelimiter): string {
  const char = scopeDelimiterChars[delimiter];
  const out: string[] = [];
  for (const raw of scopes) {
    const scope = raw.trim();
    if (!scope) continue;
    if (/\s/.test(scope) || scope.includes(char)) {
      throw new OAuth2Error(
        "invalid_scope",
        `Scope "${scope.slice(0, 100)}" contains whitespace or the ${delimiter} delimiter and cannot be sent`,
      );
    }
    if (!out.includes(scope)) out.push(scope);
  }
  return out.join(char);
}

/**
 * Splits a scope string into its values. Whitespace always separates (RFC 6749
 * §3.3); commas too, since many providers answer `"scope": "a,b"` whatever was
 * asked. '+' separates only when `delimiter` is "plus", because '+' is a legal
 * character inside a scope value. Empty entries are dropped, duplicates removed.
 */
export function splitScopes(s: string | null | undefined, delimiter?: ScopeDelimiter): string[] {
  if (!s) return [];
  const separators = delimiter === "plus" ? /[\s,+]+/ : /[\s,]+/;
  const out: string[] = [];
  for (const part of s.split(separators)) {
    if (part && !out.includes(part)) out.push(part);
  }
  return out;
}
