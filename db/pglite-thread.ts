import path from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Embedded PGlite on its own thread (docs/architecture.md "PGlite's own thread"). PGlite runs
 * Postgres as WebAssembly on the thread that opens it; opened in the app's process it took
 * every statement's time from the calls being served: the call log's batches cost 12 % of the
 * data plane's throughput, the retention's purge held requests for tens of milliseconds. Here
 * the database lives in a worker thread (db/pglite-thread-worker.mjs) and this client sends
 * each statement to it, as a driver sends statements to a server.
 *
 * PgliteThread offers what drizzle's PGlite driver and the call log's bulk load use of PGlite:
 * `query` (with drizzle's row modes and its parsers, which keep date and time values as text)
 * and `transaction`. Nothing else of PGlite's API is reachable through it.
 */

/**
 * Where the worker's script is: from the app's root, as db/migrations is (db/client.ts). Next's
 * build finds this `new Worker` and bundles the script into its own output, so the app's pages
 * load that copy; the custom server (esbuild's bundle), the scripts and the tests load this file.
 */
export const PGLITE_WORKER_SCRIPT = path.join(process.cwd(), "db", "pglite-thread-worker.mjs");

/** Opening an existing directory takes a few seconds, creating one (when the child could not) longer. */
const OPEN_TIMEOUT_MS = 120_000;
/**
 * close() waits this long for the statements before it and for an open transaction, which holds
 * PGlite's close until it ends; then the thread is ended regardless (the server's stop has 10 s
 * in all, lib/server/data-plane.ts).
 */
const CLOSE_TIMEOUT_MS = 3_000;

export type PgliteResults<R> = { rows: R[]; fields: { name: string; dataTypeID: number }[]; affectedRows?: number };

export type PgliteQueryOptions = {
  rowMode?: "object" | "array";
  /**
   * Parsers by type oid. Functions cannot cross to the worker: only parsers that keep the text
   * as it is (drizzle's, for dates, times and intervals) are accepted; any other throws.
   */
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
  /** The input of a `COPY … FROM '/dev/blob'`. */
  blob?: Blob;
};

/** What PGlite's own client and this one both offer (drizzle's driver and db/client.ts's BulkLoad use these). */
export type PgliteQueryable = {
  query<R>(text: string, params?: unknown[], options?: PgliteQueryOptions): Promise<PgliteResults<R>>;
};

export type PgliteClient = PgliteQueryable & {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, string> };

/** The database's error, rebuilt with the fields callers read (`code`, `constraint`…; db/errors.ts). */
function rebuilt(fields: Record<string, string>): Error {
  const { name, message, ...rest } = fields;
  const error = Object.assign(new Error(message), rest);
  error.name = name || "Error";
  return error;
}

/** The oids whose parsers keep the text; throws for a parser that does anything else. */
const PROBE = "2026-01-02 03:04:05.678+00";
function identityOids(parsers: PgliteQueryOptions["parsers"]): number[] | undefined {
  if (!parsers) return undefined;
  return Object.entries(parsers).map(([oid, parse]) => {
    if (parse(PROBE, Number(oid)) !== PROBE) throw new Error(`PGlite thread: a parser for type ${oid} must keep the text`);
    return Number(oid);
  });
}

export type PgliteThreadOptions = {
  /** Told once if the thread stops other than by close() (it failed or exited): the database is gone. */
  onStopped?: (reason: Error) => void;
};

export class PgliteThread implements PgliteClient {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private lastId = 0;
  /** Why the thread is gone (it exited, failed or was closed); every later call fails with it. */
  private gone: Error | undefined;
  /** close() was called: no new statement or transaction starts, while an open transaction may still end. */
  private closing = false;
  /** Why the thread is being ended by this side (an unreadable answer), told when it has exited. */
  private ending: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    options: PgliteThreadOptions,
  ) {
    worker.on("message", (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(rebuilt(answer.error));
    });
    const stopped = (why: Error) => {
      const unexpected = !this.gone;
      this.gone ??= why;
      for (const waiting of this.pending.values()) waiting.reject(this.gone);
      this.pending.clear();
      if (unexpected) options.onStopped?.(why);
    };
    worker.on("error", (error) => stopped(new Error(`the database thread failed: ${error.message}`)));
    worker.on("exit", (code) => stopped(this.ending ?? new Error(`the database thread has stopped (exit code ${code})`)));
    // An answer that cannot be read leaves its caller without one: the thread is ended, so that
    // every caller gets an error rather than waiting forever. It is told once the thread has
    // exited, so that nothing opens the directory again while this PGlite may still write to it.
    worker.on("messageerror", () => {
      this.ending ??= new Error("the database thread sent an answer that could not be read");
      void worker.terminate();
    });
  }

  /** Starts the thread and opens the database in it (an existing data directory, or a new one). */
  static async open(
    dataDir: string,
    startParams: string[],
    options: PgliteThreadOptions & { timeoutMs?: number } = {},
  ): Promise<PgliteThread> {
    const worker = new Worker(PGLITE_WORKER_SCRIPT, { workerData: { dataDir, startParams } });
    const timeoutMs = options.timeoutMs ?? OPEN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    // Its own listeners only are removed afterwards: the worker's others (Node's) must stay.
    let failed: (error: Error) => void = () => {};
    const exited = (code: number) => failed(new Error(`the database thread exited (code ${code}) before the database opened`));
    let answered: (message: { ready: boolean; error?: Record<string, string> }) => void = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the database did not open within ${timeoutMs / 1000} s`)), timeoutMs);
        failed = reject;
        answered = (message) => {
          if (message.ready) resolve();
          else reject(rebuilt(message.error ?? { message: "the database did not open" }));
        };
        worker.once("error", failed).once("exit", exited).once("message", answered);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
      worker.off("error", failed).off("exit", exited).off("message", answered);
    }
    return new PgliteThread(worker, options);
  }

  private call<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    // Closing: a transaction already open may go on and end; nothing new starts.
    if (this.closing && message.tx === undefined && message.op !== "close")
      return Promise.reject(new Error("the database is closed"));
    const id = ++this.lastId;
    return new Promise<T>((resolve, reject) => {
      try {
        this.worker.postMessage({ ...message, id }, transfer);
      } catch (error) {
        // A parameter that cannot be cloned (a function, a symbol): this statement fails, nothing waits.
        reject(new Error(`the statement could not be sent to the database thread: ${(error as Error).name}`));
        return;
      }
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async send<R>(tx: number | undefined, text: string, params: unknown[] = [], options: PgliteQueryOptions = {}) {
    // The COPY's bytes are moved to the thread, not copied: this buffer is fresh and used no more here.
    const copy = options.blob ? new Uint8Array(await options.blob.arrayBuffer()) : undefined;
    return this.call<PgliteResults<R>>(
      { op: "query", tx, text, params, rowMode: options.rowMode, identity: identityOids(options.parsers), copy },
      copy ? [copy.buffer] : [],
    );
  }

  query<R>(text: string, params?: unknown[], options?: PgliteQueryOptions): Promise<PgliteResults<R>> {
    return this.send<R>(undefined, text, params, options);
  }

  /**
   * Runs fn in one transaction, as PGlite's own transaction does: nothing else reaches the
   * database until it ends; it commits when fn resolves and rolls back when fn throws.
   */
  async transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T> {
    const tx = await this.call<number>({ op: "begin" });
    let ended = false;
    const handle: PgliteQueryable = {
      query: <R>(text: string, params?: unknown[], options?: PgliteQueryOptions) =>
        ended ? Promise.reject(new Error("the transaction has already ended")) : this.send<R>(tx, text, params, options),
    };
    let result: T;
    try {
      result = await fn(handle);
    } catch (error) {
      ended = true;
      await this.call({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    ended = true;
    await this.call({ op: "end", tx, commit: true });
    return result;
  }

  /**
   * Closes the database (after the statements sent before, within CLOSE_TIMEOUT_MS) and ends the
   * thread. Statements sent afterwards fail.
   */
  async close(): Promise<void> {
    if (!this.gone && !this.closing) {
      this.closing = true;
      const closed = this.call({ op: "close" }).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
      await Promise.race([closed, late]);
      clearTimeout(timer);
    }
    this.gone ??= new Error("the database is closed");
    await this.worker.terminate();
  }
}
