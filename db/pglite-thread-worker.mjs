/**
 * The thread that owns an embedded PGlite database on a data directory (docs/architecture.md
 * "PGlite's own thread"). PGlite is Postgres compiled to WebAssembly: every statement runs on
 * the thread that opened it. Opened here, the statements' work (the call log's batches, the
 * retention's purge, the pages' queries) no longer takes the serving thread's time; the app
 * sends each statement here (db/pglite-thread.ts) and awaits the answer.
 *
 * Plain JavaScript, with nothing to compile it: the custom server, the scripts and the tests
 * load it by path as a worker's entry; Next's build finds the `new Worker` and bundles it.
 *
 * Messages in: { id, op: "query", text, params, rowMode, identity, copy, tx }, { id, op: "begin" },
 * { id, op: "end", tx, commit }, { id, op: "close" }. Each is answered with { id, ok: true, value }
 * or { id, ok: false, error }, where error carries the database's fields (SQLSTATE code,
 * constraint…) and not PGlite's copy of the statement and its parameters, which may hold secrets.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

/** The fields of Postgres's error report that callers read (db/errors.ts reads `code`). */
const ERROR_FIELDS = ["code", "severity", "detail", "hint", "constraint", "table", "column", "schema", "dataType", "routine"];

/** @param {unknown} error */
function describe(error) {
  const e = /** @type {Record<string, unknown>} */ (error instanceof Error ? error : { message: String(error) });
  /** @type {Record<string, unknown>} */
  const out = { name: typeof e.name === "string" ? e.name : "Error", message: String(e.message ?? "") };
  for (const field of ERROR_FIELDS) if (typeof e[field] === "string") out[field] = e[field];
  return out;
}

/** @param {number[] | undefined} oids the types whose values stay as Postgres wrote them (text) */
function identityParsers(oids) {
  if (!oids || oids.length === 0) return undefined;
  /** @type {Record<number, (value: string) => string>} */
  const parsers = {};
  for (const oid of oids) parsers[oid] = (value) => value;
  return parsers;
}

const port = parentPort;
if (!port) throw new Error("db/pglite-thread-worker.mjs runs as a worker thread only");

/** @type {PGlite} */
let db;
try {
  db = new PGlite(workerData.dataDir, { startParams: workerData.startParams });
  await db.waitReady;
} catch (error) {
  port.postMessage({ ready: false, error: describe(error) });
  process.exit(1);
}

/**
 * Open transactions by number: each holds PGlite's transaction (nothing else runs until it
 * ends) until the app says how it ends.
 * @type {Map<number, { tx: import("@electric-sql/pglite").Transaction, end: (how: { commit: boolean, id: number }) => void }>}
 */
const open = new Map();
let lastTx = 0;
/** A rollback asked for by the app: thrown inside PGlite's transaction so that it rolls back. */
const ROLLBACK = Symbol("rollback");

/**
 * @param {number} id
 * @param {() => Promise<unknown>} work
 */
function answer(id, work) {
  work().then(
    (value) => port.postMessage({ id, ok: true, value }),
    (error) => port.postMessage({ id, ok: false, error: describe(error) }),
  );
}

/** @param {any} message */
async function query(message) {
  const on = message.tx === undefined ? db : open.get(message.tx)?.tx;
  if (!on) throw new Error("the transaction has already ended");
  /** @type {import("@electric-sql/pglite").QueryOptions} */
  const options = {};
  if (message.rowMode) options.rowMode = message.rowMode;
  const parsers = identityParsers(message.identity);
  if (parsers) options.parsers = parsers;
  if (message.copy) options.blob = new Blob([message.copy]);
  const result = await on.query(message.text, message.params ?? [], options);
  return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
}

/** @param {number} id */
function begin(id) {
  /** @type {{ commit: boolean, id: number } | undefined} */
  let how;
  const ended = db.transaction(async (tx) => {
    const number = ++lastTx;
    how = await new Promise((resolve) => {
      open.set(number, { tx, end: resolve });
      port.postMessage({ id, ok: true, value: number });
    });
    open.delete(number);
    if (!how.commit) throw ROLLBACK;
  });
  ended.then(
    () => port.postMessage({ id: how?.id, ok: true, value: null }),
    (error) => {
      // A rollback the app asked for ends well; anything else (a failed COMMIT) is its answer.
      if (how && error === ROLLBACK) port.postMessage({ id: how.id, ok: true, value: null });
      else if (how) port.postMessage({ id: how.id, ok: false, error: describe(error) });
      else port.postMessage({ id, ok: false, error: describe(error) });
    },
  );
}

port.on("message", (message) => {
  switch (message.op) {
    case "query":
      return answer(message.id, () => query(message));
    case "begin":
      return begin(message.id);
    case "end": {
      const transaction = open.get(message.tx);
      if (!transaction) return port.postMessage({ id: message.id, ok: false, error: describe(new Error("no such transaction")) });
      return transaction.end({ commit: message.commit === true, id: message.id });
    }
    case "close":
      return answer(message.id, async () => {
        await db.close();
        return null;
      });
    default:
      port.postMessage({ id: message.id, ok: false, error: describe(new Error(`unknown operation ${message.op}`)) });
  }
});

port.postMessage({ ready: true });
