/**
 * What the data plane tells the rest of the app after the fact (docs/architecture.md
 * "Observing calls"): one event per call through a connection and one per token renewal.
 * The call log, metrics and webhooks subscribe; the invoke engine never waits for them and
 * a listener that throws is ignored. Listeners live on globalThis so the custom server and
 * Next's bundle (two module graphs in one process) share them.
 */

/** One call through a connection, as the call log keeps it: never a header, body or secret. */
export type CallEvent = {
  at: Date;
  orgId: string;
  connectionId: string;
  /** The service's link name (a metrics label). */
  service: string;
  callerId: string;
  /** Whose credential the call used (null for an organization client-credentials token). */
  credentialUserId: string | null;
  method: string;
  host: string;
  /** Path and query, the credential's own query values replaced by "…". */
  path: string;
  /** The upstream status; null when the app answered instead. */
  status: number | null;
  /** Our error code when the app answered instead of the upstream. */
  errorCode: string | null;
  /** Time spent in the app (everything but waiting for the upstream), ms. */
  appMs: number;
  /** Time waiting for the upstream (headers and body), ms; null when no request went out. */
  upstreamMs: number | null;
  responseBytes: number;
};

/** One token renewal attempt (refresh token or client credentials). */
export type RefreshEvent = {
  at: Date;
  orgId: string;
  connectionId: string;
  service: string;
  /** Whose credential was renewed. */
  userId: string;
  /** "refreshed"; "failed" (the provider or network failed, the credential kept); "needs_reauth" (refused for good). */
  outcome: "refreshed" | "failed" | "needs_reauth";
  /** The provider's OAuth error code, when it gave one (e.g. invalid_grant). */
  providerError: string | null;
};

type Listeners = { call: Set<(event: CallEvent) => void>; refresh: Set<(event: RefreshEvent) => void> };

const KEY = Symbol.for("connections.observe.listeners");

function listeners(): Listeners {
  const g = globalThis as unknown as Record<symbol, Listeners | undefined>;
  return (g[KEY] ??= { call: new Set(), refresh: new Set() });
}

function deliver<T>(set: Set<(event: T) => void>, event: T): void {
  for (const listener of set) {
    try {
      listener(event);
    } catch {
      // A failing observer must never fail or slow the call it observes.
    }
  }
}

export function emitCall(event: CallEvent): void {
  deliver(listeners().call, event);
}

export function emitRefresh(event: RefreshEvent): void {
  deliver(listeners().refresh, event);
}

/** Subscribes to calls; returns the unsubscribe function. */
export function onCall(listener: (event: CallEvent) => void): () => void {
  listeners().call.add(listener);
  return () => listeners().call.delete(listener);
}

/** Subscribes to token renewals; returns the unsubscribe function. */
export function onRefresh(listener: (event: RefreshEvent) => void): () => void {
  listeners().refresh.add(listener);
  return () => listeners().refresh.delete(listener);
}
