import "server-only";
import { inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { callLog, connections, tokenRefreshes, users } from "@/db/schema";
import { onCall, onRefresh, type CallEvent, type RefreshEvent } from "@/lib/observe/events";
import { logger } from "@/lib/observe/logger";

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
};

export type CallLogWriter = {
  recordCall(event: CallEvent): void;
  recordRefresh(event: RefreshEvent): void;
  /** Writes everything pending now (tests, shutdown); resolves when it is written or dropped. */
  flush(): Promise<void>;
  /** Events dropped since start because the buffer was full or a write failed. */
  readonly dropped: number;
};

export const CALL_LOG_DEFAULTS = { flushMs: 500, batchSize: 500, maxBuffered: 10_000 } as const;

type CallRow = typeof callLog.$inferInsert;
type RefreshRow = typeof tokenRefreshes.$inferInsert;

function callRow(event: CallEvent): CallRow {
  return {
    orgId: event.orgId,
    connectionId: event.connectionId,
    credentialUserId: event.credentialUserId,
    callerId: event.callerId,
    method: event.method,
    host: event.host,
    path: event.path,
    status: event.status,
    errorCode: event.errorCode,
    appMs: event.appMs,
    upstreamMs: event.upstreamMs,
    responseBytes: event.responseBytes,
    createdAt: event.at,
  };
}

function refreshRow(event: RefreshEvent): RefreshRow {
  return {
    orgId: event.orgId,
    connectionId: event.connectionId,
    userId: event.userId,
    outcome: event.outcome,
    providerError: event.providerError,
    createdAt: event.at,
  };
}

/**
 * Keeps the rows whose connection still exists and forgets callers deleted since: a
 * connection deleted between its call and the flush must not fail the whole batch.
 */
async function withoutVanished<R extends { connectionId: string }>(db: Db, rows: R[], userKeys: Array<keyof R>): Promise<R[]> {
  const connectionIds = [...new Set(rows.map((r) => r.connectionId))];
  const userIds = [...new Set(rows.flatMap((r) => userKeys.map((k) => r[k]).filter((v): v is R[keyof R] & string => !!v)))];
  const [liveConnections, liveUsers] = await Promise.all([
    db.select({ id: connections.id }).from(connections).where(inArray(connections.id, connectionIds)),
    userIds.length ? db.select({ id: users.id }).from(users).where(inArray(users.id, userIds)) : Promise.resolve([]),
  ]);
  const connectionSet = new Set(liveConnections.map((r) => r.id));
  const userSet = new Set(liveUsers.map((r) => r.id));
  return rows
    .filter((r) => connectionSet.has(r.connectionId))
    .map((r) => {
      const copy = { ...r };
      for (const k of userKeys) if (copy[k] && !userSet.has(copy[k] as string)) copy[k] = null as R[keyof R];
      return copy;
    });
}

export function createCallLogWriter(db: Db, options: CallLogWriterOptions = {}): CallLogWriter {
  const { flushMs, batchSize, maxBuffered } = { ...CALL_LOG_DEFAULTS, ...options };
  let calls: CallRow[] = [];
  let refreshes: RefreshRow[] = [];
  let dropped = 0;
  let droppedSinceWarning = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function drop(count: number): void {
    dropped += count;
    droppedSinceWarning += count;
  }

  async function insertBatch<R extends { connectionId: string }>(
    rows: R[],
    insert: (rows: R[]) => Promise<unknown>,
    userKeys: Array<keyof R>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += batchSize) {
      const chunk = rows.slice(i, i + batchSize);
      try {
        await insert(chunk);
      } catch {
        // Most likely a connection or user deleted since the call: retry with what still exists.
        try {
          const kept = await withoutVanished(db, chunk, userKeys);
          drop(chunk.length - kept.length);
          if (kept.length) await insert(kept);
        } catch {
          drop(chunk.length);
        }
      }
    }
  }

  async function write(): Promise<void> {
    const pendingCalls = calls;
    const pendingRefreshes = refreshes;
    calls = [];
    refreshes = [];
    if (pendingCalls.length) {
      await insertBatch(pendingCalls, (rows) => db.insert(callLog).values(rows), ["callerId", "credentialUserId"]);
    }
    if (pendingRefreshes.length) {
      await insertBatch(pendingRefreshes, (rows) => db.insert(tokenRefreshes).values(rows), ["userId"]);
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
      calls.push(callRow(event));
      scheduled();
    },
    recordRefresh(event) {
      if (pending() >= maxBuffered) return drop(1);
      refreshes.push(refreshRow(event));
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
 * through globalThis) and subscribes it to the events. Returns the function that
 * unsubscribes and writes what is pending.
 */
export function startCallLog(db: Db, options?: CallLogWriterOptions): () => Promise<void> {
  const running = holder[KEY];
  if (running) return running.stop;
  const writer = createCallLogWriter(db, options);
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
