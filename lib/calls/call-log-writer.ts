import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import type { BulkLoad, BulkTransaction } from "@/db/client";
import { callLog, connections, tokenRefreshes, users } from "@/db/schema";
import { BinaryCopyEncoder } from "@/lib/calls/copy-binary";
import { onCall, onRefresh, type CallEvent, type RefreshEvent } from "@/lib/observe/events";
import { logger } from "@/lib/observe/logger";
import { metrics } from "@/lib/observe/metrics";

/**
 * The call log's writer (docs/architecture.md "Call log"): it subscribes to the call and
 * renewal events and writes `call_log` and `token_refreshes` rows in batches, off the call
 * path. Recording an event only pushes it on an array: nothing is awaited per call. The
 * buffer is bounded; past the bound events are dropped and counted in one warning per
 * flush, so a database that stalls costs log rows, never memory or call latency.
 */
export type CallLogWriterOptions = {
  /** Pending rows are written at least this often. */
  flushMs?: number;
  /** This many pending rows start a write at once. */
  batchSize?: number;
  /** At most this many rows wait; newer ones are dropped while the buffer is full. */
  maxBuffered?: number;
  /** Told of each batch written and of each row lost (metrics; lib/observe/metrics.ts). */
  observer?: CallLogObserver;
};

export type CallLogObserver = {
  written(rows: number, seconds: number): void;
  dropped(rows: number): void;
};

/** The database the log is written to: its queries, and on PGlite its bulk loading (db/client.ts BulkLoad). */
export type CallLogDatabase = { db: Db; bulk?: BulkLoad };

export type CallLogWriter = {
  recordCall(event: CallEvent): void;
  recordRefresh(event: RefreshEvent): void;
  /** Writes everything pending now (tests, shutdown); resolves when it is written or dropped. */
  flush(): Promise<void>;
  /** Events dropped since start because the buffer was full or a write failed. */
  readonly dropped: number;
};

export const CALL_LOG_DEFAULTS = { flushMs: 500, batchSize: 500, maxBuffered: 10_000 } as const;

/** A pending row, keyed by column name: a batch goes to the database as one JSON parameter. */
type CallRow = {
  org_id: string;
  connection_id: string;
  credential_user_id: string | null;
  caller_id: string;
  method: string;
  host: string;
  path: string;
  status: number | null;
  error_code: string | null;
  app_ms: number;
  upstream_ms: number | null;
  response_bytes: number;
  created_at: string;
};

type RefreshRow = {
  org_id: string;
  connection_id: string;
  user_id: string;
  outcome: RefreshEvent["outcome"];
  provider_error: string | null;
  created_at: string;
};

/** No text column holds a NUL (and jsonb refuses one, which would lose the whole batch): replaced. */
const storable = (text: string) => (text.includes("\0") ? text.replaceAll("\0", "\uFFFD") : text);

function callRow(event: CallEvent): CallRow {
  return {
    org_id: event.orgId,
    connection_id: event.connectionId,
    credential_user_id: event.credentialUserId,
    caller_id: event.callerId,
    method: storable(event.method),
    host: storable(event.host),
    path: storable(event.path),
    status: event.status,
    error_code: event.errorCode,
    app_ms: event.appMs,
    upstream_ms: event.upstreamMs,
    response_bytes: event.responseBytes,
    created_at: event.at.toISOString(),
  };
}

function refreshRow(event: RefreshEvent): RefreshRow {
  return {
    org_id: event.orgId,
    connection_id: event.connectionId,
    user_id: event.userId,
    outcome: event.outcome,
    provider_error: event.providerError,
    created_at: event.at.toISOString(),
  };
}

/** The id if that user still exists, else null: a caller deleted since the call must not fail the batch. */
const liveUser = (column: SQL) => sql`(select ${users.id} from ${users} where ${users.id} = ${column})`;
/** Rows of connections deleted since their call are left out (their log went with them). */
const liveConnection = sql`exists (select 1 from ${connections} where ${connections.id} = r.connection_id)`;

/** The rows an INSERT stored: postgres.js answers `count`, PGlite `affectedRows`. */
function storedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}

/**
 * One INSERT … SELECT from jsonb_to_recordset per batch: a single parameter whatever the
 * batch size, so building and sending it costs the app little (docs/architecture.md "Call
 * log"). call_log has no foreign keys (db/schema.ts says why), so nothing refuses a row: the
 * statement itself leaves out the calls of connections deleted since, and forgets callers
 * deleted since, with one index probe each (no lock, unlike a foreign key's check).
 */
async function insertCalls(db: Db, rows: CallRow[]): Promise<number> {
  return storedRows(
    await db.execute(sql`insert into ${callLog}
    (org_id, connection_id, credential_user_id, caller_id, method, host, path, status, error_code,
     app_ms, upstream_ms, response_bytes, created_at)
    select r.org_id, r.connection_id, r.credential_user_id, ${liveUser(sql`r.caller_id`)}, r.method,
      r.host, r.path, r.status, r.error_code, r.app_ms, r.upstream_ms, r.response_bytes, r.created_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(org_id uuid, connection_id uuid, credential_user_id uuid,
      caller_id uuid, method text, host text, path text, status integer, error_code text, app_ms integer,
      upstream_ms integer, response_bytes integer, created_at timestamptz)
    where ${liveConnection} order by r.created_at`),
  );
}

/** call_log's columns in the order COPY receives them (callLogCopy writes the values in this order). */
export const CALL_COLUMNS = [
  "org_id",
  "connection_id",
  "credential_user_id",
  "caller_id",
  "method",
  "host",
  "path",
  "status",
  "error_code",
  "app_ms",
  "upstream_ms",
  "response_bytes",
  "created_at",
] as const satisfies readonly (keyof CallRow)[];

async function idsThatExist(tx: BulkTransaction, table: "connections" | "users", ids: Set<string | null>): Promise<Set<string>> {
  const wanted = [...ids].filter((id): id is string => id !== null);
  if (!wanted.length) return new Set();
  const rows = await tx.query<{ id: string }>(
    `select id from ${table} where id = any(array(select jsonb_array_elements_text($1::jsonb)::uuid))`,
    [JSON.stringify(wanted)],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * The COPY payload of these calls in PostgreSQL's binary format (lib/calls/copy-binary.ts: no
 * value is parsed from text), each call's caller as `caller` says.
 */
export function callLogCopy(
  events: CallEvent[],
  caller: (event: CallEvent) => string | null = (event) => event.callerId,
): Uint8Array<ArrayBuffer> {
  const rows = new BinaryCopyEncoder(CALL_COLUMNS.length);
  for (const e of events) {
    rows
      .row()
      .uuid(e.orgId)
      .uuid(e.connectionId)
      .uuid(e.credentialUserId)
      .uuid(caller(e))
      .text(storable(e.method))
      .text(storable(e.host))
      .text(storable(e.path))
      .int4(e.status)
      .text(e.errorCode === null ? null : storable(e.errorCode))
      .int4(e.appMs)
      .int4(e.upstreamMs)
      .int4(e.responseBytes)
      .timestamptz(e.at);
  }
  return rows.finish();
}

/**
 * PGlite's way (db/client.ts BulkLoad): the same rules as insertCalls — calls of connections
 * deleted since are left out, callers deleted since forgotten — checked in one transaction
 * with the COPY, so no deletion can fall between the check and the write.
 */
function copyCalls(bulk: BulkLoad, events: CallEvent[]): Promise<number> {
  return bulk.transaction(async (tx) => {
    const liveConnections = await idsThatExist(tx, "connections", new Set(events.map((e) => e.connectionId)));
    const liveCallers = await idsThatExist(tx, "users", new Set(events.map((e) => e.callerId)));
    const kept = events.filter((e) => liveConnections.has(e.connectionId));
    if (kept.length) {
      const rows = callLogCopy(kept, (e) => (liveCallers.has(e.callerId) ? e.callerId : null));
      await tx.copyFrom("call_log", CALL_COLUMNS, rows);
    }
    return kept.length;
  });
}

async function insertRefreshes(db: Db, rows: RefreshRow[], careful: boolean): Promise<number> {
  return storedRows(
    await db.execute(sql`insert into ${tokenRefreshes} (org_id, connection_id, user_id, outcome, provider_error, created_at)
    select r.org_id, r.connection_id, ${careful ? liveUser(sql`r.user_id`) : sql`r.user_id`}, r.outcome, r.provider_error,
      r.created_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(org_id uuid, connection_id uuid, user_id uuid,
      outcome text, provider_error text, created_at timestamptz)
    where ${careful ? liveConnection : sql`true`} order by r.created_at`),
  );
}

export function createCallLogWriter({ db, bulk }: CallLogDatabase, options: CallLogWriterOptions = {}): CallLogWriter {
  const { flushMs, batchSize, maxBuffered, observer } = { ...CALL_LOG_DEFAULTS, ...options };
  // The events themselves: turned into rows when written, not on the call path.
  let calls: CallEvent[] = [];
  let refreshes: RefreshEvent[] = [];
  let dropped = 0;
  let droppedSinceWarning = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function drop(count: number): void {
    dropped += count;
    droppedSinceWarning += count;
    observer?.dropped(count);
  }

  /**
   * Writes `rows` in chunks. `careful`, when given, is the retry after a refusal (a foreign
   * key: a connection or user deleted since): once more with what still exists. call_log has
   * no foreign keys and its insert is careful already, so its calls have no retry.
   */
  async function insertBatch<R>(
    rows: R[],
    insert: (rows: R[]) => Promise<number>,
    careful?: (rows: R[]) => Promise<number>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += batchSize) {
      const chunk = rows.slice(i, i + batchSize);
      const started = performance.now();
      // How many rows were stored: rows of connections deleted since are left out, not lost.
      let stored: number | undefined;
      try {
        stored = await insert(chunk);
      } catch {
        stored = careful ? await careful(chunk).catch(() => undefined) : undefined;
      }
      if (stored === undefined)
        drop(chunk.length); // the database is down: the calls happened, their rows are lost
      else observer?.written(stored, (performance.now() - started) / 1000);
    }
  }

  async function write(): Promise<void> {
    const pendingCalls = calls;
    const pendingRefreshes = refreshes;
    calls = [];
    refreshes = [];
    if (pendingCalls.length) {
      // Events arrive in the order they happened, so ids ascend with time as written.
      await insertBatch(pendingCalls, (events) => (bulk ? copyCalls(bulk, events) : insertCalls(db, events.map(callRow))));
    }
    if (pendingRefreshes.length) {
      await insertBatch(
        pendingRefreshes,
        (events) => insertRefreshes(db, events.map(refreshRow), false),
        (events) => insertRefreshes(db, events.map(refreshRow), true),
      );
    }
    if (droppedSinceWarning) {
      logger().warn({ dropped: droppedSinceWarning }, "call log: some calls and refreshes were not recorded");
      droppedSinceWarning = 0;
    }
  }

  /** One write at a time, in order: a flush asked for during a write runs after it. */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(write, write);
    return writing;
  }

  function pending(): number {
    return calls.length + refreshes.length;
  }

  function scheduled(): void {
    if (pending() >= batchSize) {
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref();
    }
  }

  return {
    recordCall(event) {
      if (pending() >= maxBuffered) return drop(1);
      calls.push(event);
      scheduled();
    },
    recordRefresh(event) {
      if (pending() >= maxBuffered) return drop(1);
      refreshes.push(event);
      scheduled();
    },
    flush,
    get dropped() {
      return dropped;
    },
  };
}

type Running = { writer: CallLogWriter; stop: () => Promise<void> };
const KEY = Symbol.for("connections.calls.writer");
const holder = globalThis as unknown as Record<symbol, Running | undefined>;

/**
 * Starts the process's call-log writer (once; the custom server and Next's bundle share it
 * through globalThis), subscribes it to the events and reports its cost to the metrics. Returns the function that
 * unsubscribes and writes what is pending.
 */
export function startCallLog(database: CallLogDatabase, options?: CallLogWriterOptions): () => Promise<void> {
  const running = holder[KEY];
  if (running) return running.stop;
  const m = metrics();
  const writer = createCallLogWriter(database, {
    observer: {
      written(rows, seconds) {
        m.callLogWrite.observe(seconds);
        m.callLogRows.inc({ outcome: "written" }, rows);
      },
      dropped: (rows) => m.callLogRows.inc({ outcome: "dropped" }, rows),
    },
    ...options,
  });
  const offCall = onCall((event) => writer.recordCall(event));
  const offRefresh = onRefresh((event) => writer.recordRefresh(event));
  const stop = async () => {
    offCall();
    offRefresh();
    if (holder[KEY]?.writer === writer) holder[KEY] = undefined;
    await writer.flush();
  };
  holder[KEY] = { writer, stop };
  return stop;
}

/** Writes what is pending and stops recording (shutdown). */
export async function stopCallLog(): Promise<void> {
  await holder[KEY]?.stop();
}
