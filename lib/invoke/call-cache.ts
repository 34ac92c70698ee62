import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { onInvalidate } from "@/lib/cache/invalidation";
import { TtlMap } from "@/lib/cache/ttl-map";
import { serviceRefOf } from "@/lib/connections/access";
import { openCredential, type CredentialPayload, type CredentialRow } from "@/lib/credentials/credentials";
import { NotFound } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { loadServiceClient, resolveService, type ServiceClient } from "@/lib/services/resolve";
import { loadForCall, type LoadedForCall } from "./load-for-call";

/**
 * What a call needs before it goes out, kept in process (docs/architecture.md "Caches and
 * invalidation"): the connection and the credential the caller's call uses, the service's
 * definition, and — opened once — the credential's secret material and the service's
 * client. Entries live at most `ttlMs` (≤ 60 s) and are dropped at once by every write that
 * changes them (the invalidation bus, which other instances hear through Postgres NOTIFY).
 * Unknown link names are never cached: a new connection is callable at once.
 */
export type CallTarget = LoadedForCall & { service: ServiceDefinition };

export const MAX_CACHE_TTL_MS = 60_000;

// Opened once per row object: a cached row is the same object on every call, and a changed credential is a new row.
const payloads = new WeakMap<CredentialRow, CredentialPayload | null>();

/** The credential's secret material, decrypted once per stored version. */
export function openedPayload(row: CredentialRow): CredentialPayload | undefined {
  let payload = payloads.get(row);
  if (payload === undefined) {
    payload = openCredential(row) ?? null;
    payloads.set(row, payload);
  }
  return payload ?? undefined;
}

export class CallCache {
  private readonly targets: TtlMap<string, CallTarget>;
  private readonly clients: TtlMap<ServiceDefinition, ServiceClient>;
  private readonly unsubscribe: () => void;

  constructor(options: { ttlMs?: number; maxEntries?: number } = {}) {
    const ttlMs = Math.min(options.ttlMs ?? 30_000, MAX_CACHE_TTL_MS);
    this.targets = new TtlMap({ ttlMs, maxEntries: options.maxEntries ?? 20_000 });
    this.clients = new TtlMap({ ttlMs, maxEntries: 2_000 });
    this.unsubscribe = onInvalidate((event) => {
      switch (event.kind) {
        case "connection":
          this.targets.deleteWhere((t) => t.connection.id === event.connectionId);
          break;
        case "service":
        case "user":
          // A service edit or app change touches every connection of it; a user change, every credential they hold or use.
          this.targets.deleteWhere((t) => t.connection.orgId === event.orgId);
          this.clients.clear();
          break;
        case "access_token":
          break; // actors are cached elsewhere; a target does not depend on the token
      }
    });
  }

  /** The call target for the actor and link name, from cache or the database. */
  async target(db: Db, actor: Actor, linkName: string): Promise<CallTarget> {
    const key = `${actor.orgId}\u0000${actor.id}\u0000${linkName}`;
    let target = this.targets.get(key);
    if (!target) {
      const generation = this.targets.generation;
      const loaded = await loadForCall(db, actor, linkName);
      const service = await resolveService(db, actor, serviceRefOf(loaded.connection));
      target = { ...loaded, service };
      this.targets.setIfCurrent(generation, key, target);
    }
    // A token restricted to other connections sees this one as not existing, like any unknown name.
    if (actor.token?.connectionIds && !actor.token.connectionIds.includes(target.connection.id)) {
      throw new NotFound(`There is no connection with the link name "${linkName}" in your organization`);
    }
    return target;
  }

  /** The service's OAuth client or OAuth 1 consumer, decrypted once per cached definition. */
  async client(db: Db, target: CallTarget): Promise<ServiceClient> {
    let client = this.clients.get(target.service);
    if (!client) {
      const generation = this.clients.generation;
      client = await loadServiceClient(db, target.connection, target.service);
      this.clients.setIfCurrent(generation, target.service, client);
    }
    return client;
  }

  close(): void {
    this.unsubscribe();
    this.targets.clear();
    this.clients.clear();
  }
}
