import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** docs/architecture.md "Data model". Encrypted columns end in `_sealed` and never leave lib/. */

export const roleEnum = pgEnum("role", ["admin", "member"]);
export const authTypeEnum = pgEnum("auth_type", ["api_key", "basic", "oauth1", "oauth2"]);
export const credentialStatusEnum = pgEnum("credential_status", ["connected", "needs_reauth", "revoked"]);
export const scopeDelimiterEnum = pgEnum("scope_delimiter", ["comma", "space", "plus"]);
/** "Who can use it" of a connection that runs with its owner's credential (docs/product.md §5). */
export const connectionAccessEnum = pgEnum("connection_access", ["owner", "organization"]);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: roleEnum("role").notNull().default("member"),
    /**
     * Put into the session at sign-in and compared on every request (docs/security.md "Sessions"):
     * bumping it (sign out everywhere, password change) ends every session issued before.
     */
    sessionEpoch: integer("session_epoch").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`), index("users_org_idx").on(t.orgId)],
);

/** Custom services ("Create Your Own"); default services live in lib/catalog/. */
export const services = pgTable(
  "services",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    linkName: text("link_name").notNull(),
    authType: authTypeEnum("auth_type").notNull(),
    /** Non-secret settings: URLs, parameters, param type, scopes, grant type. */
    config: jsonb("config").notNull(),
    /** Client or consumer secret, sealed; null for API key and Basic services. */
    secretSealed: text("secret_sealed"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("services_org_link_name_key").on(t.orgId, t.linkName)],
);

/** An organization's OAuth client for a default (catalogue) service, set by an admin. */
export const serviceApps = pgTable(
  "service_apps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    serviceLinkName: text("service_link_name").notNull(),
    clientId: text("client_id").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    /** Client credentials apps: whether members may connect with the organization's client (docs/product.md §5). */
    membersMayConnect: boolean("members_may_connect").notNull().default(false),
    /** Bumped on every change: a consent flow started before it is refused. */
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("service_apps_org_service_key").on(t.orgId, t.serviceLinkName)],
);

export const connections = pgTable(
  "connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    /** Exactly one of these names the service: a catalogue link name or a custom service. */
    catalogLinkName: text("catalog_link_name"),
    serviceId: uuid("service_id").references(() => services.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    linkName: text("link_name").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull().default([]),
    scopeDelimiter: scopeDelimiterEnum("scope_delimiter").notNull().default("comma"),
    useLoginUserCredentials: boolean("use_login_user_credentials").notNull().default(false),
    /** Who may call it when it runs with the owner's credential; ignored when use_login_user_credentials. */
    access: connectionAccessEnum("access").notNull().default("owner"),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("connections_org_link_name_key").on(t.orgId, t.linkName),
    index("connections_org_owner_created_idx").on(t.orgId, t.ownerId, t.createdAt),
    index("connections_service_idx").on(t.serviceId),
    check("connections_service_ref_check", sql`(${t.catalogLinkName} is null) <> (${t.serviceId} is null)`),
  ],
);

export const credentials = pgTable(
  "credentials",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: credentialStatusEnum("status").notNull().default("connected"),
    /** The secret material as JSON, sealed with AAD (credentials, id, user). Null once revoked. */
    payloadSealed: text("payload_sealed"),
    grantedScopes: jsonb("granted_scopes").$type<string[]>().notNull().default([]),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Bumped on every write; refresh writes compare-and-swap on it. */
    version: integer("version").notNull().default(1),
    authorizedAt: timestamp("authorized_at", { withTimezone: true }),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /**
     * The provider's id of the account that consented (the ID token's `sub`, or the userinfo
     * id), where the provider gives one: a reconnect to another account is warned about.
     */
    providerAccountId: text("provider_account_id"),
    /** Whether the app can renew it without the user (a refresh token, or the client credentials grant); rows from before this column count as renewable. */
    renewable: boolean("renewable").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("credentials_connection_user_key").on(t.connectionId, t.userId),
    index("credentials_user_idx").on(t.orgId, t.userId),
  ],
);

/** A consent flow in progress: single use, short-lived, bound to the user and the browser. */
export const oauthTransactions = pgTable(
  "oauth_transactions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 of the state (OAuth 2) or request token (OAuth 1): the raw value is never stored. */
    lookupHash: text("lookup_hash").notNull(),
    kind: text("kind", { enum: ["oauth2", "oauth1"] }).notNull(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** SHA-256 of the browser-binding cookie set when the flow started. */
    browserBindingHash: text("browser_binding_hash").notNull(),
    /** PKCE verifier (OAuth 2) or request token secret (OAuth 1), sealed. */
    secretSealed: text("secret_sealed").notNull(),
    expectedIssuer: text("expected_issuer"),
    /** The service the flow is for (catalogue or custom link name): the callback path must name it. */
    serviceLinkName: text("service_link_name").notNull().default(""),
    /** The service's (or its OAuth app's) version when the flow started: an edit since refuses the callback. */
    serviceVersion: integer("service_version").notNull().default(0),
    requestedScopes: jsonb("requested_scopes").$type<string[]>().notNull().default([]),
    returnTo: text("return_to"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("oauth_transactions_lookup_key").on(t.lookupHash)],
);

/** Personal access tokens for the public API: only a hash is kept. */
export const accessTokens = pgTable(
  "access_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters, shown so users can tell tokens apart. */
    displayPrefix: text("display_prefix").notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** Null: never expires. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Null: every connection the user may call; else only these connection ids. */
    connectionIds: jsonb("connection_ids").$type<string[]>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("access_tokens_hash_key").on(t.tokenHash), index("access_tokens_user_idx").on(t.userId)],
);

/** Who did what to which connection or service. Never holds secrets. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    /** Not foreign keys: the history outlives a deleted connection or service. */
    connectionId: uuid("connection_id"),
    serviceId: uuid("service_id"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_connection_idx").on(t.orgId, t.connectionId, t.createdAt),
    index("audit_events_service_idx").on(t.orgId, t.serviceId, t.createdAt),
  ],
);

/**
 * One row per call through a connection (docs/product.md §10): who called, what (method,
 * host, path with the credential's own query values masked; never headers or bodies), the
 * answer's status or our error code, and where the time went. Written in batches.
 *
 * No foreign keys, on purpose (docs/architecture.md "Call log"): a foreign key checks and
 * locks its parent row for every row inserted, which more than doubled the cost of a batch.
 * The rules they kept are kept by triggers
 * on the parents instead (migration 0007): deleting an organization or a connection deletes
 * its calls, deleting a user forgets them as caller; the writer leaves out the calls of
 * connections deleted before the batch is written.
 */
export const callLog = pgTable(
  "call_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    /** Whose credential the call used. */
    credentialUserId: uuid("credential_user_id"),
    callerId: uuid("caller_id"),
    method: text("method").notNull(),
    host: text("host").notNull(),
    path: text("path").notNull(),
    /** The upstream status; null when the call failed before or without an answer. */
    status: integer("status"),
    /** Our error code when the app answered instead of the upstream. */
    errorCode: text("error_code"),
    appMs: integer("app_ms").notNull(),
    upstreamMs: integer("upstream_ms"),
    responseBytes: integer("response_bytes").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index("call_log_connection_idx").on(t.connectionId, t.createdAt),
    // No index on created_at alone: every index is paid on each call written, and the retention
    // purge walks the primary key instead (docs/architecture.md "Call log", "Retention").
    // A credential's last calls (its health) where one user's calls are few among many (docs/architecture.md
    // "Credential health"); a caller's own calls of one connection are read through call_log_connection_idx.
    index("call_log_credential_idx").on(t.connectionId, t.credentialUserId, t.createdAt),
    // "My calls": a caller's own calls across their organization's connections, newest first.
    index("call_log_caller_idx").on(t.orgId, t.callerId, t.createdAt),
  ],
);

/**
 * One row per token renewal attempt (docs/product.md §10 "Token refreshes"): whose
 * credential, the outcome and the provider's OAuth error code. Written in batches with the
 * call log and purged with it.
 */
export const tokenRefreshes = pgTable(
  "token_refreshes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    /** Whose credential was renewed. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    outcome: text("outcome", { enum: ["refreshed", "failed", "needs_reauth"] }).notNull(),
    /** The provider's OAuth error code (e.g. invalid_grant); never its description. */
    providerError: text("provider_error"),
    createdAt: createdAt(),
  },
  (t) => [
    index("token_refreshes_connection_idx").on(t.connectionId, t.createdAt),
    index("token_refreshes_created_idx").on(t.createdAt),
  ],
);

/**
 * Who is renewing a credential's OAuth 2 token, until when (docs/architecture.md "Refresh"):
 * one row per (connection, user), taken with one statement when free or expired, held
 * while the token endpoint answers with no transaction open, released after the
 * compare-and-swap write. Separate from credentials because a client-credentials token is
 * fetched before its credential row exists.
 */
export const credentialLeases = pgTable(
  "credential_leases",
  {
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** A random id of the holder (one renewal in one process). */
    holder: text("holder"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.userId] })],
);

// ── Webhooks (docs/architecture.md "Webhooks") ──────────────────────────────────────────

/** An organization's webhook endpoint: the URL, the events it wants, its sealed signing secret. */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    events: jsonb("events").$type<string[]>().notNull().default([]),
    /** The Standard Webhooks secret (`whsec_…`), sealed with AAD (webhooks, id, org). Shown once at creation. */
    secretSealed: text("secret_sealed").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("webhooks_org_idx").on(t.orgId, t.createdAt)],
);

/** One event for one webhook: its payload (never a secret), and how its delivery went. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    /** Also the `webhook-id` header: receivers deduplicate retries by it. */
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "retrying", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** The receiver's last HTTP status, or null when it could not be reached. */
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
  },
  (t) => [index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt)],
);

// ── Accounts (docs/product.md §8, docs/security.md "One-time links") ───────────────────

export const accountTokenPurposeEnum = pgEnum("account_token_purpose", ["setup", "invitation", "password_reset", "sign_in"]);

/**
 * A one-time link: first-run setup, an invitation, a password reset, or a sign-in link of
 * `npm run admin:create`. Only the SHA-256 of the token is kept; `used_at` is set by the one
 * statement that consumes it, so a link works once however many requests race for it.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    purpose: accountTokenPurposeEnum("purpose").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** Null only for setup, which creates the organization. */
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    /** The account a reset or sign-in link is for; null for setup and invitations. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Invitations: who is invited, as what. */
    email: text("email"),
    role: roleEnum("role"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("account_tokens_hash_key").on(t.tokenHash),
    index("account_tokens_org_purpose_idx").on(t.orgId, t.purpose, t.createdAt),
  ],
);

/** Failed sign-in counters of rate-limiter-flexible's RateLimiterDrizzle (docs/security.md "Sign-in throttling"). */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: timestamp("expire", { withTimezone: true }),
});
