import "server-only";
import { z } from "zod";

/**
 * The one place that reads process.env (docs/architecture.md "Configuration"). Parsed once, lazily,
 * so that build steps that never touch the server do not need a configured environment.
 */
const booleanFlag = <F extends boolean | undefined>(fallback: F) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v): boolean | F => (v === undefined || v === "" ? fallback : v === "true" || v === "1"));

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A Postgres memory size ("16MB") in kilobytes; undefined if it is not one. */
function sizeInKilobytes(value: string): number | undefined {
  const match = /^([1-9][0-9]{0,9})(kB|MB|GB)$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * { kB: 1, MB: 1024, GB: 1024 * 1024 }[match[2] as "kB" | "MB" | "GB"];
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z
    .url({ message: "APP_URL must be an absolute URL like https://connections.example.com" })
    .default("http://localhost:3000"),
  /** An empty value means unset (embedded PGlite), as for the other optional variables. */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  CONNECTIONS_DATA_DIR: z.string().min(1).default(".data"),
  /** Embedded PGlite's buffer cache (db/client.ts PGLITE_SHARED_BUFFERS); unset means its default. */
  CONNECTIONS_PGLITE_SHARED_BUFFERS: z
    .string()
    .refine((v) => {
      const kB = sizeInKilobytes(v);
      return kB !== undefined && kB >= 128 && kB <= 1024 * 1024;
    }, "CONNECTIONS_PGLITE_SHARED_BUFFERS must be a size from 128kB to 1GB, like 16MB (a whole number and kB, MB or GB)")
    .optional(),
  CONNECTIONS_KEYS: z.string().min(1).optional(),
  CONNECTIONS_ACTIVE_KEY: z.string().min(1).optional(),
  /** The demo seed (docs/product.md §8): unset means on in development and tests, off in production. */
  CONNECTIONS_SEED: booleanFlag(undefined),
  CONNECTIONS_CATALOG_FILE: z.string().min(1).optional(),
  CONNECTIONS_ALLOW_PRIVATE_NETWORK: booleanFlag(false),
  CONNECTIONS_INVOKE_TIMEOUT_MS: z.coerce.number().int().positive().default(40_000),
  CONNECTIONS_INVOKE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
  CONNECTIONS_INVOKE_MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  NEXTAUTH_SECRET: z.string().min(1).optional(),
  /** The bearer token of GET /api/metrics; unset (or empty) turns the endpoint off (404). */
  CONNECTIONS_METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || v.length >= 16, "CONNECTIONS_METRICS_TOKEN must have at least 16 characters"),
  CONNECTIONS_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Background jobs (docs/architecture.md "Background jobs"); `false` runs none in this process. */
  CONNECTIONS_JOBS: booleanFlag(true),
  CONNECTIONS_KEEPALIVE_DAYS: z.coerce.number().positive().default(7),
  CONNECTIONS_CALL_LOG_DAYS: z.coerce.number().positive().default(14),
  /** `false`: calls and token refreshes are not recorded (a benchmark's baseline); the summary page's log stays empty. */
  CONNECTIONS_CALL_LOG: booleanFlag(true),
  /** Invitation and reset emails (docs/product.md §8): an smtp:// or smtps:// URL; unset sends none. */
  CONNECTIONS_SMTP_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^smtps?:\/\//.test(v), "CONNECTIONS_SMTP_URL must start with smtp:// or smtps://"),
  CONNECTIONS_SMTP_FROM: z.string().min(1).default("Connections <connections@localhost>"),
  /** Single sign-on through an OpenID Connect provider (docs/product.md §8): all three, or none. */
  CONNECTIONS_OIDC_ISSUER: z.url({ message: "CONNECTIONS_OIDC_ISSUER must be the provider's issuer URL" }).optional(),
  CONNECTIONS_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CONNECTIONS_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /**
   * The organization (its name or id) the SSO provider is for: only its users sign in by SSO, only its invitations
   * are used, and people of CONNECTIONS_OIDC_DOMAINS join it. Unset: SSO signs in existing users only.
   */
  CONNECTIONS_OIDC_ORG: z.string().trim().min(1).optional(),
  CONNECTIONS_OIDC_DOMAINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
        .filter(Boolean),
    ),
});

export type Env = Omit<z.infer<typeof envSchema>, "CONNECTIONS_SEED"> & { CONNECTIONS_SEED: boolean };

const OIDC_VARIABLES = ["CONNECTIONS_OIDC_ISSUER", "CONNECTIONS_OIDC_CLIENT_ID", "CONNECTIONS_OIDC_CLIENT_SECRET"] as const;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const { CONNECTIONS_SEED, ...rest } = parsed.data;
  const oidcSet = OIDC_VARIABLES.filter((name) => rest[name]);
  if (oidcSet.length && oidcSet.length < OIDC_VARIABLES.length) {
    throw new Error(`Invalid environment:\n  ${OIDC_VARIABLES.join(", ")} must be set together (or none of them)`);
  }
  cached = {
    ...rest,
    APP_URL: rest.APP_URL.replace(/\/+$/, ""),
    CONNECTIONS_SEED: CONNECTIONS_SEED ?? demoSeedByDefault(process.env.NODE_ENV),
  };
  return cached;
}

/**
 * Whether the demo is seeded when CONNECTIONS_SEED is unset: only when NODE_ENV says, in so
 * many words, development or test. An unset NODE_ENV (a script, a hand-started server) is
 * treated as production: a real database never gets the demo by accident.
 */
export function demoSeedByDefault(nodeEnv: string | undefined): boolean {
  return nodeEnv === "development" || nodeEnv === "test";
}

/**
 * Shell scripts (`npm run admin:create`, `keys:rotate`) call this first: they never seed the
 * demo into the database they open unless CONNECTIONS_SEED=true says so, whatever NODE_ENV is.
 */
export function configureForScript(): void {
  const asked = process.env.CONNECTIONS_SEED?.trim();
  if (asked !== "true" && asked !== "1") process.env.CONNECTIONS_SEED = "false";
  cached = undefined;
}

/** The production server refuses to start on development defaults. */
export function isProduction(): boolean {
  return env().NODE_ENV === "production";
}

/** next-auth reads NEXTAUTH_URL itself; default it to APP_URL so one variable is enough. */
export function applyNextAuthDefaults(): void {
  process.env.NEXTAUTH_URL ??= env().APP_URL;
}

/**
 * What the logger needs, read without the whole schema: the logger reports an invalid
 * environment, so it must not fail on one itself. An unknown level falls back to info.
 */
export function logSettings(): { level: LogLevel; pretty: boolean } {
  const level = process.env.CONNECTIONS_LOG_LEVEL?.trim().toLowerCase() ?? "";
  return {
    level: (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : "info",
    pretty: (process.env.NODE_ENV ?? "development") === "development",
  };
}

/** The single sign-on provider's settings, or undefined when SSO is not configured. */
export function ssoSettings():
  { issuer: string; clientId: string; clientSecret: string; org?: string; domains: string[] } | undefined {
  const e = env();
  if (!e.CONNECTIONS_OIDC_ISSUER || !e.CONNECTIONS_OIDC_CLIENT_ID || !e.CONNECTIONS_OIDC_CLIENT_SECRET) return undefined;
  return {
    issuer: e.CONNECTIONS_OIDC_ISSUER.replace(/\/+$/, ""),
    clientId: e.CONNECTIONS_OIDC_CLIENT_ID,
    clientSecret: e.CONNECTIONS_OIDC_CLIENT_SECRET,
    org: e.CONNECTIONS_OIDC_ORG,
    domains: e.CONNECTIONS_OIDC_DOMAINS,
  };
}
