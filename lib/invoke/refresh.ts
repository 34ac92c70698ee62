import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { credentials } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { invalidate } from "@/lib/cache/invalidation";
import { assertMayUseClientCredentials } from "@/lib/connections/authorization-access";
import type { ConnectionRow } from "@/lib/connections/access";
import { findCredential, storeCredential, type CredentialPayload, type CredentialRow } from "@/lib/credentials/credentials";
import { env } from "@/lib/env";
import { NeedsReauth, NotAuthorizedByYou, NotConnected, TokenRefreshFailed } from "@/lib/errors";
import { oauthTransport } from "@/lib/http/outbound";
import { clientCredentialsToken, OAuth2Error, refreshTokens, type TokenSet } from "@/lib/oauth2";
import { sealJson } from "@/lib/secrets";
import type { ServiceDefinition } from "@/lib/services/definition";
import { oauth2Endpoints } from "@/lib/services/oauth2-endpoints";
import { tokenRenewalFailure } from "@/lib/services/provider-errors";
import { loadServiceClient, lockServiceVersion } from "@/lib/services/resolve";
import { needsReauthMessage, notAuthorizedByYouMessage, notConnectedMessage } from "./messages";
import { openedPayload } from "./call-cache";
import { emitRefresh, type RefreshEvent } from "@/lib/observe/events";
import { acquireLease, waitForRelease } from "./refresh-lease";

/**
 * OAuth 2 access tokens for the invoke engine (docs/architecture.md "Refresh"): renewed
 * ahead of expiry, once per credential even when many calls need it at the same moment on
 * several app instances, and without holding a database connection while the token
 * endpoint answers:
 *
 * 1. single-flight in the process: concurrent calls for one credential share one promise;
 * 2. across instances, a lease on (connection, user) taken with one statement
 *    (lib/invoke/refresh-lease.ts); the others wait for its release (NOTIFY) and re-read;
 * 3. under the lease the credential is read again: when another instance already renewed
 *    it (no longer due, or another access token than the one the API refused), that one
 *    is used and the token endpoint is not called;
 * 4. otherwise the token endpoint is called with no transaction open, and the result is
 *    written with compare-and-swap on `version`; then the lease is released.
 *
 * `invalid_grant` marks the credential `needs_reauth` (and records an audit event); any
 * other failure (5xx, timeout, malformed answer) leaves the stored credential as it was.
 */

type OAuth2Payload = Extract<CredentialPayload, { type: "oauth2" }>;

/** Who calls, through which connection, with whose credential (as read before any lease). */
export type TokenContext = {
  db: Db;
  actor: Actor;
  connection: ConnectionRow;
  service: ServiceDefinition;
  /** The user whose credential is used: the caller on shared connections, else the owner. */
  userId: string;
  credential: CredentialRow | undefined;
};

export type AccessToken = {
  accessToken: string;
  credentialId: string;
  /** A refresh token or the client credentials grant can give another token (so a 401 is worth one retry). */
  renewable: boolean;
};

export type TokenManagerOptions = {
  /** Bound on each token endpoint request; default min(CONNECTIONS_INVOKE_TIMEOUT_MS, 15 s). */
  tokenTimeoutMs?: number;
  /** How often a waiter looks at a lease held elsewhere, should a notification be lost. */
  leasePollMs?: number;
};

const MIN_MARGIN_MS = 60_000;
/** The lease outlives the token request it covers by this much. */
const LEASE_SLACK_MS = 5_000;

/**
 * Whether a token is due for renewal (docs/architecture.md "Refresh"): it expires within
 * min(max(60 s, 10 % of its lifetime), half its lifetime), the lifetime running from when
 * it was issued (last refresh, else authorization) to `expires_at`. So a fresh token is
 * never due at once, however short it lives. Without `expires_at` it is never due (only a
 * 401 renews it).
 */
export function refreshDue(
  row: Pick<CredentialRow, "expiresAt" | "authorizedAt" | "lastRefreshedAt" | "createdAt">,
  now: number = Date.now(),
): boolean {
  if (!row.expiresAt) return false;
  const expires = row.expiresAt.getTime();
  const issued = (row.lastRefreshedAt ?? row.authorizedAt ?? row.createdAt)?.getTime();
  const lifetime = issued !== undefined && issued < expires ? expires - issued : 0;
  const margin = Math.min(Math.max(MIN_MARGIN_MS, lifetime / 10), lifetime / 2);
  return expires - now <= margin;
}

function isExpired(row: Pick<CredentialRow, "expiresAt">, now: number): boolean {
  return row.expiresAt !== null && row.expiresAt.getTime() <= now;
}

export function isClientCredentials(service: ServiceDefinition): boolean {
  return service.authType === "oauth2" && service.oauth2?.grantType === "client_credentials";
}

function openOAuth2(row: CredentialRow): OAuth2Payload | undefined {
  const payload = openedPayload(row);
  return payload?.type === "oauth2" ? payload : undefined;
}

type Mode =
  | { kind: "due" }
  | { kind: "rejected"; token: string }
  /** The keep-alive job (lib/invoke/keep-alive.ts): renew now unless the credential changed since `version` was read. */
  | { kind: "keepalive"; version: number };

/** What a keep-alive renewal came to. */
export type KeepAliveResult = "refreshed" | "unchanged" | "needs_reauth" | "failed" | "not_connected";

type Outcome =
  /** `renewed`: this renewal called the token endpoint and stored its answer. */
  | { kind: "token"; token: AccessToken; renewed?: boolean }
  | { kind: "needs_reauth"; reason?: string }
  | { kind: "not_connected" }
  | { kind: "failed"; message: string }
  /** A 401 with nothing to renew the token with: the API's answer stands. */
  | { kind: "unrenewable" };

export class TokenManager {
  private readonly inflight = new Map<string, Promise<Outcome>>();

  constructor(private readonly options: TokenManagerOptions = {}) {}

  /**
   * The access token to send now: the stored one, or a renewed one when it is due
   * (client credentials: also fetched on demand when the connection has none yet).
   * The caller has already refused credentials that are revoked or need re-authentication.
   */
  async current(ctx: TokenContext): Promise<AccessToken> {
    const row = ctx.credential;
    const cc = isClientCredentials(ctx.service);
    if (row && row.status === "connected" && row.payloadSealed) {
      const payload = openOAuth2(row);
      if (!payload) {
        throw new NotConnected(
          `The stored credential of "${ctx.connection.linkName}" is not an OAuth 2 token; connect it again.`,
        );
      }
      const token = { accessToken: payload.accessToken, credentialId: row.id, renewable: cc || Boolean(payload.refreshToken) };
      const now = Date.now();
      if (!refreshDue(row, now)) return token;
      // Nothing to renew with: use the token as long as it lasts.
      if (!token.renewable && !isExpired(row, now)) return token;
    } else if (!(cc && !row)) {
      return this.settle(ctx, { kind: "not_connected" });
    }
    return this.settle(ctx, await this.singleFlight(ctx, { kind: "due" }));
  }

  /**
   * The API answered 401 to `rejected`: a new token (someone else's fresh one, or one
   * renewed now), or null when there is nothing to renew it with.
   */
  async afterUnauthorized(ctx: TokenContext, rejected: AccessToken): Promise<AccessToken | null> {
    if (!rejected.renewable) return null;
    const outcome = await this.singleFlight(ctx, { kind: "rejected", token: rejected.accessToken });
    if (outcome.kind === "unrenewable") return null;
    return this.settle(ctx, outcome);
  }

  /**
   * The keep-alive renewal of a stored OAuth 2 credential (docs/architecture.md "Background
   * jobs"): refreshes it now, under the same single-flight and lease as a call's renewal, unless
   * it changed since it was read (renewed or reconnected meanwhile) or has no refresh token.
   * Never throws for the provider's refusal: the outcome says what happened, and the health,
   * audit and refresh event are recorded as for any renewal.
   */
  async keepAlive(ctx: TokenContext): Promise<KeepAliveResult> {
    const row = ctx.credential;
    if (!row || row.status !== "connected" || !row.payloadSealed || isClientCredentials(ctx.service)) return "not_connected";
    let outcome: Outcome;
    try {
      outcome = await this.singleFlight(ctx, { kind: "keepalive", version: row.version });
    } catch {
      return "failed"; // the network or the token endpoint failed; the renewal event says so and the credential is kept
    }
    switch (outcome.kind) {
      case "token":
        return outcome.renewed ? "refreshed" : "unchanged";
      case "unrenewable":
        return "unchanged";
      default:
        return outcome.kind;
    }
  }

  private settle(ctx: TokenContext, outcome: Outcome): AccessToken {
    const subject = {
      linkName: ctx.connection.linkName,
      connectionId: ctx.connection.id,
      appUrl: env().APP_URL,
      callersOwn: ctx.userId === ctx.actor.id,
    };
    switch (outcome.kind) {
      case "token":
        return outcome.token;
      case "needs_reauth":
        throw new NeedsReauth(needsReauthMessage(subject, outcome.reason));
      case "not_connected":
        if (ctx.connection.useLoginUserCredentials) throw new NotAuthorizedByYou(notAuthorizedByYouMessage(subject));
        throw new NotConnected(notConnectedMessage(subject));
      case "failed":
        throw new TokenRefreshFailed(outcome.message);
      case "unrenewable":
        throw new NotConnected(notConnectedMessage(subject));
    }
  }

  /** One renewal per credential at a time in this process. */
  private singleFlight(ctx: TokenContext, mode: Mode): Promise<Outcome> {
    const key = `${ctx.connection.id}:${ctx.userId}`;
    const running = this.inflight.get(key);
    if (running) return running;
    const promise = this.underLease(ctx, mode).finally(() => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, promise);
    return promise;
  }

  private tokenTimeoutMs(): number {
    return this.options.tokenTimeoutMs ?? Math.min(env().CONNECTIONS_INVOKE_TIMEOUT_MS, 15_000);
  }

  /** Takes the lease (or waits out another holder's), then renews when still needed. */
  private async underLease(ctx: TokenContext, mode: Mode): Promise<Outcome> {
    const { db, connection, userId } = ctx;
    const leaseMs = this.tokenTimeoutMs() + LEASE_SLACK_MS;
    const pollMs = this.options.leasePollMs ?? 250;
    const giveUpAt = Date.now() + 2 * leaseMs;
    for (;;) {
      const lease = await acquireLease(db, { connectionId: connection.id, userId }, leaseMs);
      if (lease) {
        try {
          return await this.renew(ctx, mode);
        } finally {
          await lease.release().catch(() => undefined);
          // Waiters here and on other instances look again now.
          invalidate({ kind: "connection", orgId: connection.orgId, connectionId: connection.id });
        }
      }
      // Another instance is renewing: its result, once written, is as good as ours.
      await waitForRelease(connection.id, pollMs);
      const row = await findCredential(db, connection.id, userId);
      const done = row ? this.usable(row, ctx, mode) : undefined;
      if (done) return done;
      if (Date.now() > giveUpAt) {
        return {
          kind: "failed",
          message: `Another renewal of the access token of "${connection.linkName}" did not finish; try again.`,
        };
      }
    }
  }

  /** The stored credential's token when it already does what `mode` asks (renewed by someone else), else undefined. */
  private usable(row: CredentialRow, ctx: TokenContext, mode: Mode): Outcome | undefined {
    if (row.status === "needs_reauth") return { kind: "needs_reauth" };
    if (row.status !== "connected" || !row.payloadSealed) return undefined;
    const payload = openOAuth2(row);
    if (!payload) return { kind: "not_connected" };
    const cc = isClientCredentials(ctx.service);
    const fresh =
      mode.kind === "rejected"
        ? payload.accessToken !== mode.token
        : mode.kind === "keepalive"
          ? row.version !== mode.version
          : !refreshDue(row, Date.now());
    if (!fresh) return undefined;
    return {
      kind: "token",
      token: { accessToken: payload.accessToken, credentialId: row.id, renewable: cc || Boolean(payload.refreshToken) },
    };
  }

  /** Under the lease: read again, and call the token endpoint only when still needed. */
  private async renew(ctx: TokenContext, mode: Mode): Promise<Outcome> {
    const { db, connection, service, actor, userId } = ctx;
    const cc = isClientCredentials(service);
    const label = `"${connection.linkName}" (${service.name})`;
    const row = await findCredential(db, connection.id, userId);
    const now = Date.now();

    let payload: OAuth2Payload | undefined;
    if (row) {
      if (row.status === "needs_reauth") return { kind: "needs_reauth" };
      const already = this.usable(row, ctx, mode);
      if (already) return already;
      if (row.status !== "connected" || !row.payloadSealed) {
        if (!cc) return { kind: "not_connected" };
      } else {
        payload = openOAuth2(row);
        if (!payload) return { kind: "not_connected" };
        if (!cc && !payload.refreshToken) {
          if (mode.kind !== "due") return { kind: "unrenewable" };
          if (!isExpired(row, now)) {
            return { kind: "token", token: { accessToken: payload.accessToken, credentialId: row.id, renewable: false } };
          }
          await markNeedsReauth(ctx, row, "no_refresh_token");
          refreshed(ctx, "needs_reauth");
          return { kind: "needs_reauth", reason: `Its access token expired and ${service.name} gave no refresh token.` };
        }
      }
    } else if (!cc) {
      return { kind: "not_connected" };
    }

    const client = await loadServiceClient(db, connection, service);
    // The organization's client acts as the organization: only for its holder, unless members are allowed.
    if (cc) await assertMayUseClientCredentials(db, connection, { userId, service, client });
    const transport = { ...oauthTransport(), timeoutMs: this.tokenTimeoutMs() };
    let tokens: TokenSet;
    try {
      // No transaction is open here: the token endpoint may take its time without holding a database connection.
      tokens =
        cc || !payload?.refreshToken
          ? await clientCredentialsToken({
              endpoints: oauth2Endpoints(service),
              client,
              scopes: connection.scopes,
              delimiter: connection.scopeDelimiter,
              transport,
            })
          : await refreshTokens({
              endpoints: oauth2Endpoints(service),
              client,
              refreshToken: payload.refreshToken,
              grantedScopes: row!.grantedScopes,
              delimiter: connection.scopeDelimiter,
              transport,
            });
    } catch (error) {
      if (!(error instanceof OAuth2Error)) {
        refreshed(ctx, "failed");
        throw error;
      }
      if (!cc && row && error.code === "invalid_grant") {
        await markNeedsReauth(ctx, row, "invalid_grant");
        refreshed(ctx, "needs_reauth", error.code);
        return { kind: "needs_reauth", reason: `${service.name} refused to refresh its access token (invalid_grant).` };
      }
      await recordAudit(db, {
        orgId: connection.orgId,
        actorId: actor.id,
        action: "connection.refresh_failed",
        connectionId: connection.id,
        detail: { grant: cc ? "client_credentials" : "refresh_token", code: error.code, userId },
      });
      refreshed(ctx, "failed", error.code);
      return { kind: "failed", message: tokenRenewalFailure(error, { label, clientCredentials: cc }) };
    }

    const next: OAuth2Payload = {
      type: "oauth2",
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? payload?.refreshToken,
      tokenType: tokens.tokenType,
    };
    const renewable = cc || Boolean(next.refreshToken);
    if (!row || !row.payloadSealed) {
      // Client credentials, first call (or after a revoke): the token is fetched on demand and kept,
      // unless something changed while the token endpoint answered: the service's settings (an
      // admin who stopped letting members use the organization's client, an edit of the service)
      // or the credential itself. Storing then would undo that change (docs/security.md).
      const saved = await db.transaction(async (tx) => {
        if ((await lockServiceVersion(tx, connection, service)) !== client.version) return undefined;
        const current = await findCredential(tx, connection.id, userId);
        if ((current?.version ?? null) !== (row?.version ?? null)) return undefined;
        return storeCredential(tx, {
          orgId: connection.orgId,
          connectionId: connection.id,
          userId,
          payload: next,
          grantedScopes: tokens.scope ?? connection.scopes,
          expiresAt: tokens.expiresAt ?? null,
          renewable,
        });
      });
      if (!saved) {
        refreshed(ctx, "failed");
        return { kind: "failed", message: `The settings of ${label} changed while its access token was fetched; call again.` };
      }
      await recordAudit(db, {
        orgId: connection.orgId,
        actorId: actor.id,
        action: "connection.refreshed",
        connectionId: connection.id,
        detail: { grant: "client_credentials" },
      });
      refreshed(ctx, "refreshed");
      return {
        kind: "token",
        token: { accessToken: next.accessToken, credentialId: saved.id, renewable: true },
        renewed: true,
      };
    }

    const written = await db
      .update(credentials)
      .set({
        status: "connected",
        payloadSealed: sealJson("credential", row, next),
        grantedScopes: tokens.scope ?? row.grantedScopes,
        expiresAt: tokens.expiresAt ?? null,
        renewable,
        version: row.version + 1,
        lastRefreshedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(credentials.id, row.id), eq(credentials.version, row.version)))
      .returning({ id: credentials.id });
    if (written.length === 0) {
      // Replaced meanwhile by a new authorization (the user connected again): the newer one wins.
      const newer = await findCredential(db, connection.id, userId);
      const newerPayload = newer?.status === "connected" && newer.payloadSealed ? openOAuth2(newer) : undefined;
      if (!newer || !newerPayload) return { kind: newer?.status === "needs_reauth" ? "needs_reauth" : "not_connected" };
      return {
        kind: "token",
        token: {
          accessToken: newerPayload.accessToken,
          credentialId: newer.id,
          renewable: cc || Boolean(newerPayload.refreshToken),
        },
      };
    }
    await recordAudit(db, {
      orgId: connection.orgId,
      actorId: actor.id,
      action: "connection.refreshed",
      connectionId: connection.id,
      detail: {
        grant: cc ? "client_credentials" : "refresh_token",
        rotated: !cc && tokens.refreshToken !== payload?.refreshToken,
      },
    });
    refreshed(ctx, "refreshed");
    return { kind: "token", token: { accessToken: next.accessToken, credentialId: row.id, renewable }, renewed: true };
  }
}

/**
 * The provider's OAuth error code as the renewal log keeps it (shown on the summary page and
 * sent in webhooks): a code of RFC 6749's kind (`invalid_grant`), else nothing. The field is
 * the provider's to fill, with any text of any length.
 */
export function loggableProviderError(code: string | null | undefined): string | null {
  return code && /^[\w.-]{1,64}$/.test(code) ? code : null;
}

function refreshed(ctx: TokenContext, outcome: RefreshEvent["outcome"], providerError: string | null = null): void {
  emitRefresh({
    at: new Date(),
    orgId: ctx.connection.orgId,
    connectionId: ctx.connection.id,
    service: ctx.service.linkName,
    userId: ctx.userId,
    outcome,
    providerError: loggableProviderError(providerError),
  });
}

/** `needs_reauth`, compare-and-swap on the version that was read under the lease, and an audit event. */
async function markNeedsReauth(ctx: TokenContext, row: CredentialRow, reason: string): Promise<void> {
  await ctx.db
    .update(credentials)
    .set({ status: "needs_reauth", version: row.version + 1, updatedAt: new Date() })
    .where(and(eq(credentials.id, row.id), eq(credentials.version, row.version)));
  await recordAudit(ctx.db, {
    orgId: ctx.connection.orgId,
    actorId: ctx.actor.id,
    action: "connection.needs_reauth",
    connectionId: ctx.connection.id,
    detail: { reason, userId: row.userId },
  });
}
