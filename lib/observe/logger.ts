import { DrizzleQueryError } from "drizzle-orm";
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { logSettings, type LogLevel } from "@/lib/env";
import { REQUEST_ID_HEADER, isValidRequestId, requestIdFor } from "./request-id";
import { SECRET_FIELDS } from "./secret-fields";

export { requestIdFor, REQUEST_ID_HEADER } from "./request-id";
export { SECRET_FIELDS } from "./secret-fields";
export type { Logger } from "pino";

/**
 * The app's logger (docs/architecture.md "Operating it"): JSON lines on stdout, one object per
 * event, at CONNECTIONS_LOG_LEVEL; pretty-printed by pino-pretty in development only. Log
 * structured fields, never a secret: fields named in ./secret-fields.ts are replaced by "[redacted]"
 * at any of the first three levels of nesting, and a message must not interpolate one.
 */

const REDACTED = "[redacted]";

function pathKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`;
}

/** fast-redact paths: each secret field at the top level and one or two objects down. */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((name) => {
  const key = pathKey(name);
  return [key.startsWith(".") ? key.slice(1) : key, `*${key}`, `*.*${key}`];
});

export type LoggerOptions = { level?: LogLevel; pretty?: boolean; destination?: DestinationStream };

/** A logger with the app's settings; tests pass their own destination to read what it writes. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = logSettings();
  const level = options.level ?? settings.level;
  const usePretty = options.pretty ?? (settings.pretty && !options.destination);
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,name" })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      name: "connections",
      level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

const KEY = Symbol.for("connections.observe.logger");

/** The process's logger, shared by the custom server and Next's bundle (two module graphs in one process). */
export function logger(): Logger {
  const g = globalThis as unknown as Record<symbol, Logger | undefined>;
  return (g[KEY] ??= createLogger());
}

/**
 * A child logger carrying the request id that proxy.ts (or the custom server) put on the
 * request; without a valid one, the plain logger.
 */
export function requestLogger(headers: { get(name: string): string | null }): Logger {
  const id = headers.get(REQUEST_ID_HEADER);
  return id && isValidRequestId(id) ? logger().child({ requestId: id }) : logger();
}

/** A database's error (Postgres's, through postgres.js or PGlite): its SQLSTATE, and the fields that come with it. */
type DatabaseErrorFields = { code?: unknown; constraint?: unknown; severity?: unknown; routine?: unknown };

function isDatabaseError(error: DatabaseErrorFields): boolean {
  return (
    typeof error.code === "string" &&
    /^[0-9A-Z]{5}$/.test(error.code) &&
    (error.severity !== undefined || error.routine !== undefined)
  );
}

/**
 * What a failure may say in a log line or a stored error (docs/security.md "Background jobs"):
 * the error's own message, except for a database's. drizzle's DrizzleQueryError prints the
 * statement's parameters in its message (sealed secrets, token hashes, emails), and Postgres's
 * message and detail may quote a value, so a database failure is told by its SQLSTATE and
 * constraint only.
 */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === "string" ? error : "a non-error value was thrown";
  const database = (
    error instanceof DrizzleQueryError ? (error.cause ?? {}) : isDatabaseError(error as DatabaseErrorFields) ? error : undefined
  ) as DatabaseErrorFields | undefined;
  if (!database) return error.message;
  const details = [
    typeof database.code === "string" ? `SQLSTATE ${database.code}` : "",
    typeof database.constraint === "string" ? `constraint ${database.constraint}` : "",
  ].filter(Boolean);
  return `a database statement failed${details.length ? ` (${details.join(", ")})` : ""}`;
}

/** What an unknown error may contribute to a log line: its class name, never its message (it may quote a secret). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * For the custom server's plain Node handlers: the request's id (requestIdFor), set on the
 * response as x-request-id, and a logger carrying it.
 */
export function nodeRequestContext(
  req: { headers: Record<string, string | string[] | undefined> },
  res: { setHeader(name: string, value: string): unknown },
): { requestId: string; log: Logger } {
  const requestId = requestIdFor(req.headers);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return { requestId, log: logger().child({ requestId }) };
}
