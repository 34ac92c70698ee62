import "server-only";
import { openSecretText, sealSecret } from "@/lib/crypto";
import { keyRing } from "@/lib/secrets/key-ring";
import { secretContext } from "./contexts";

export { secretContext } from "./contexts";

type ContextKind = keyof typeof secretContext;
type RowOf<K extends ContextKind> = Parameters<(typeof secretContext)[K]>[0];

/** Seals a JSON value for one row of one table with the configured key ring. */
export function sealJson<K extends ContextKind>(kind: K, row: RowOf<K>, value: unknown): string {
  const ctx = (secretContext[kind] as (r: RowOf<K>) => ReturnType<(typeof secretContext)[K]>)(row);
  return sealSecret(JSON.stringify(value), ctx, keyRing());
}

export function openJson<T, K extends ContextKind = ContextKind>(kind: K, row: RowOf<K>, sealed: string): T {
  const ctx = (secretContext[kind] as (r: RowOf<K>) => ReturnType<(typeof secretContext)[K]>)(row);
  return JSON.parse(openSecretText(sealed, ctx, keyRing())) as T;
}
