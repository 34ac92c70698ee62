/**
 * The request id of docs/architecture.md "Operating it": a caller's `x-request-id` is kept when
 * it is short and made of safe characters (it goes into logs and a response header), else a
 * new one is made. No Node imports: proxy.ts and the custom server both use this.
 */
export const REQUEST_ID_HEADER = "x-request-id";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,64}$/;

export function isValidRequestId(value: string): boolean {
  return SAFE_REQUEST_ID.test(value);
}

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(REQUEST_ID_HEADER) ?? undefined;
  }
  const raw = (headers as Record<string, string | string[] | undefined>)[REQUEST_ID_HEADER];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** The request's id: its valid `x-request-id` (Fetch `Headers` or Node's `IncomingHttpHeaders`), or a fresh UUID. */
export function requestIdFor(headers: HeaderSource): string {
  const given = headerValue(headers)?.trim();
  return given && isValidRequestId(given) ? given : globalThis.crypto.randomUUID();
}
