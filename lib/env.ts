import "server-only";
import { z } from "zod";

/**
 * The one place that reads process.env (docs/architecture.md "Configuration"). Parsed once, lazily,
 * so that build steps that never touch the server do not need a configured environment.
 */
const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v === "true" || v === "1"));

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z
    .url({ message: "APP_URL must be an absolute URL like https://connections.example.com" })
    .default("http://localhost:3000"),
  DATABASE_URL: z.string().min(1).optional(),
  CONNECTIONS_DATA_DIR: z.string().min(1).default(".data"),
  CONNECTIONS_KEYS: z.string().min(1).optional(),
  CONNECTIONS_ACTIVE_KEY: z.string().min(1).optional(),
  CONNECTIONS_SEED: booleanFlag(true),
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
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = { ...parsed.data, APP_URL: parsed.data.APP_URL.replace(/\/+$/, "") };
  return cached;
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
