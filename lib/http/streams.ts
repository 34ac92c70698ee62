import type { Readable, Writable } from "node:stream";

/**
 * Event-driven stream helpers for the data plane's hot path (docs/architecture.md "The data
 * plane"): an async iterator costs several promises per chunk, and every promise pays for the
 * async-context hooks that Next's AsyncLocalStorage turns on in the process. These read and
 * pass on Node streams with listeners only, counting a byte cap as the bytes pass.
 */

/** The error a stream that closed before its end is reported with (as `stream.finished` does). */
export function prematureClose(): Error {
  return Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
}

/**
 * Reads a stream whole, refusing past `maxBytes`: on the first byte too many it stops reading
 * (the stream is paused, not destroyed: a server can still answer 413 on the request's
 * connection, a client discards its answer) and rejects with `tooLarge()`. A stream error
 * rejects with that error; a stream that closes, or had closed, before its end rejects too.
 */
export function readStreamCapped(stream: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed && !stream.readableEnded) {
      // Gone before we started (the client reset while we authenticated): its "close" has passed.
      reject(stream.errored ?? prematureClose());
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        stop();
        stream.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      reject(prematureClose());
    };
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
    stream.once("close", onClose);
  });
}

/** How passing a body on ended: the bytes written, and the failure when it did not end whole. */
export type PipeOutcome = { bytes: number; error?: unknown };

/**
 * Passes `source` on to `target` with backpressure, stopping past `maxBytes` (the outcome's
 * error is then `tooLarge()`). Resolves once the source ended (the target is then ended), or
 * failed, or the target closed first; never rejects. On a failure neither stream is
 * destroyed: the caller decides how to close them.
 */
export function pipeCapped(source: Readable, target: Writable, maxBytes: number, tooLarge: () => Error): Promise<PipeOutcome> {
  return new Promise((resolve) => {
    if (target.destroyed || target.writableEnded) {
      resolve({ bytes: 0, error: prematureClose() });
      return;
    }
    if (source.destroyed && !source.readableEnded) {
      resolve({ bytes: 0, error: source.errored ?? prematureClose() });
      return;
    }
    let bytes = 0;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
      source.off("close", onSourceClose);
      target.off("drain", onDrain);
      target.off("close", onTargetClose);
      resolve(error === undefined ? { bytes } : { bytes, error });
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        finish(tooLarge());
        return;
      }
      if (!target.write(chunk)) source.pause();
    };
    const onDrain = () => source.resume();
    const onEnd = () => {
      target.end();
      finish();
    };
    const onError = (error: Error) => finish(error);
    const onSourceClose = () => finish(prematureClose());
    const onTargetClose = () => finish(prematureClose());
    source.on("data", onData);
    source.once("end", onEnd);
    source.once("error", onError);
    source.once("close", onSourceClose);
    target.on("drain", onDrain);
    target.once("close", onTargetClose);
  });
}
