import { EventEmitter } from "node:events";

/**
 * A cancellation for the data plane's hot path (docs/architecture.md "The data plane"): what an
 * AbortController does for a call, without an EventTarget and an AbortSignal per call (the
 * most expensive objects a call made, by the CPU profile). undici takes it as a request's
 * `signal` (an EventEmitter that emits "abort" and has `aborted` and `reason`).
 */
export class Cancellation extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit("abort");
  }
}

/** Either kind of cancellation a caller may hand down. */
export type CancelSignal = AbortSignal | Cancellation;

/** Calls `listener` once when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: CancelSignal, listener: () => void): () => void {
  if (signal instanceof Cancellation) {
    signal.once("abort", listener);
    return () => signal.off("abort", listener);
  }
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}
