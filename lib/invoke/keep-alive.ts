import "server-only";
import { and, asc, eq, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials } from "@/db/schema";
import { loadActor } from "@/lib/auth/users";
import { serviceRefOf } from "@/lib/connections/access";
import { env } from "@/lib/env";
import { resolveService } from "@/lib/services/resolve";
import { isClientCredentials, TokenManager, type KeepAliveResult } from "./refresh";

/**
 * The keep-alive refresh (docs/architecture.md "Background jobs"): every
 * KEEP_ALIVE_EVERY_MINUTES, connected OAuth 2 credentials whose access token would expire
 * before the run after next and that were used since their last renewal (so one keep-alive
 * renewal per use, not an endless cycle for short-lived tokens), or whose refresh token has
 * not been used for CONNECTIONS_KEEPALIVE_DAYS, are renewed through the engine's TokenManager, so under the
 * same lease (never two renewals of one credential at once) and with the same health,
 * audit and refresh events. Providers that expire idle refresh tokens then never see one idle.
 */
export const KEEP_ALIVE_EVERY_MINUTES = 60;
/** The most credentials one run renews; the rest wait for the next run (oldest renewal first). */
export const KEEP_ALIVE_BATCH = 200;

export type KeepAliveReport = Record<KeepAliveResult, number>;

export type KeepAliveOptions = { now?: Date; tokens?: TokenManager; batch?: number };

/** The job function: `(db, payload)`, run by lib/jobs and directly by tests. */
export async function keepAliveJob(db: Db, _payload: Record<string, unknown> = {}): Promise<void> {
  await runKeepAlive(db);
}

export async function runKeepAlive(db: Db, options: KeepAliveOptions = {}): Promise<KeepAliveReport> {
  const now = options.now ?? new Date();
  const tokens = options.tokens ?? new TokenManager();
  const horizon = new Date(now.getTime() + 2 * KEEP_ALIVE_EVERY_MINUTES * 60_000);
  const idleSince = new Date(now.getTime() - env().CONNECTIONS_KEEPALIVE_DAYS * 86_400_000);
  const lastRenewal = sql`coalesce(${credentials.lastRefreshedAt}, ${credentials.authorizedAt}, ${credentials.createdAt})`;

  const due = await db
    .select({ credential: credentials, connection: connections })
    .from(credentials)
    .innerJoin(connections, eq(connections.id, credentials.connectionId))
    .where(
      and(
        eq(credentials.status, "connected"),
        isNotNull(credentials.payloadSealed),
        or(
          // Used since its last renewal and about to expire: the next call, however late, finds a live token.
          and(
            isNotNull(credentials.expiresAt),
            lt(credentials.expiresAt, horizon),
            sql`${credentials.lastUsedAt} > ${lastRenewal}`,
          ),
          sql`${lastRenewal} < ${idleSince.toISOString()}::timestamptz`,
        ),
      ),
    )
    .orderBy(asc(lastRenewal))
    .limit(options.batch ?? KEEP_ALIVE_BATCH);

  const report: KeepAliveReport = { refreshed: 0, unchanged: 0, needs_reauth: 0, failed: 0, not_connected: 0 };
  for (const { credential, connection } of due) {
    let result: KeepAliveResult;
    try {
      const service = await resolveService(db, connection, serviceRefOf(connection));
      if (service.authType !== "oauth2" || isClientCredentials(service)) continue;
      const actor = await loadActor(db, credential.userId);
      if (!actor) continue;
      result = await tokens.keepAlive({ db, actor, connection, service, userId: credential.userId, credential });
    } catch {
      // A service gone from the catalogue, a client no longer configured: this credential waits; the others go on.
      result = "failed";
    }
    report[result] += 1;
  }
  return report;
}
