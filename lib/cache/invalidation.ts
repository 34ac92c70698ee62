import "server-only";

/**
 * What changed, for the in-process caches of the data plane (docs/architecture.md
 * "Caches and invalidation"). Every write that changes who may call what, or with which
 * credential, publishes one of these: in this process at once, and to other instances
 * through Postgres LISTEN/NOTIFY (lib/cache/notify.ts).
 */
export type Invalidation =
  /** A connection was edited, revoked, deleted, handed over, or one of its credentials changed. */
  | { kind: "connection"; orgId: string; connectionId: string }
  /** A custom service (and so every connection of it) or an organization's OAuth app changed. */
  | { kind: "service"; orgId: string }
  /** A user's sessions or tokens stop (removed, signed out everywhere, password or role changed). */
  | { kind: "user"; orgId: string; userId: string }
  /** A personal access token was revoked. */
  | { kind: "access_token"; orgId: string; tokenId: string };

type Listener = (event: Invalidation) => void;

type Bus = { listeners: Set<Listener>; remote?: (event: Invalidation) => void };
// On globalThis: Next bundles route handlers, actions and instrumentation separately, and all must share one bus.
const holder = globalThis as typeof globalThis & { __connectionsInvalidation?: Bus };
function bus(): Bus {
  holder.__connectionsInvalidation ??= { listeners: new Set() };
  return holder.__connectionsInvalidation;
}

/** Subscribes a cache to every invalidation, local or from another instance; returns the unsubscribe. */
export function onInvalidate(listener: Listener): () => void {
  bus().listeners.add(listener);
  return () => bus().listeners.delete(listener);
}

/** Delivers an invalidation to this process's caches only (what arrives from another instance). */
export function deliverLocally(event: Invalidation): void {
  for (const listener of bus().listeners) {
    try {
      listener(event);
    } catch {
      // A cache that fails to forget must not stop the others from forgetting.
    }
  }
}

/** Sets where invalidations go besides this process (the NOTIFY publisher); undefined for none. */
export function setRemotePublisher(publish: ((event: Invalidation) => void) | undefined): void {
  bus().remote = publish;
}

/** Announces a change: this process's caches forget at once, other instances within a second. */
export function invalidate(event: Invalidation): void {
  deliverLocally(event);
  bus().remote?.(event);
}
