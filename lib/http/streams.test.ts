import { PassThrough, Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pipeCapped, readStreamCapped } from "./streams";

const tooLarge = () => new Error("too large");

/** A writable that takes `delayMs` per chunk and holds at most `highWaterMark` bytes: backpressure. */
function slowSink(delayMs: number, highWaterMark = 4) {
  const received: Buffer[] = [];
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      setTimeout(callback, delayMs);
    },
  });
  return { sink, received: () => Buffer.concat(received).toString() };
}

describe("readStreamCapped", () => {
  it("reads a body in many chunks whole, and an empty one", async () => {
    expect((await readStreamCapped(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), 4, tooLarge)).toString()).toBe("abcd");
    expect((await readStreamCapped(Readable.from([]), 4, tooLarge)).length).toBe(0);
  });

  it("refuses the first byte past the cap and stops reading, leaving the stream to its owner (a 413 can still be sent)", async () => {
    const source = Readable.from([Buffer.from("abc"), Buffer.from("de"), Buffer.from("never read")]);
    await expect(readStreamCapped(source, 4, tooLarge)).rejects.toThrow("too large");
    expect(source.isPaused()).toBe(true);
    expect(source.destroyed).toBe(false);
  });

  it("rejects at once for a stream already destroyed before the read began (no wait for a close that has passed)", async () => {
    const gone = new PassThrough();
    gone.destroy();
    await new Promise((resolve) => setImmediate(resolve)); // its "close" has been emitted
    await expect(readStreamCapped(gone, 100, tooLarge)).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
    const failed = new PassThrough();
    failed.destroy(new Error("reset"));
    failed.on("error", () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(readStreamCapped(failed, 100, tooLarge)).rejects.toThrow("reset");
  });

  it("rejects with the stream's error, and when the stream closes before its end", async () => {
    const failing = new PassThrough();
    const read = readStreamCapped(failing, 100, tooLarge);
    failing.write("ab");
    failing.destroy(new Error("connection reset"));
    await expect(read).rejects.toThrow("connection reset");

    const cut = new PassThrough();
    const read2 = readStreamCapped(cut, 100, tooLarge);
    cut.write("ab");
    cut.destroy();
    await expect(read2).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
  });
});

describe("pipeCapped", () => {
  it("passes every byte on through a slow target, pausing the source (backpressure), and ends the target", async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from(`chunk-${i};`));
    const source = new PassThrough({ highWaterMark: 8 });
    const { sink, received } = slowSink(2);
    let pausedSeen = false;
    source.on("pause", () => (pausedSeen = true));
    const piping = pipeCapped(source, sink, 1_000, tooLarge);
    for (const chunk of chunks) source.write(chunk);
    source.end();
    const outcome = await piping;
    await new Promise((resolve) => sink.once("finish", resolve));
    expect(outcome).toEqual({ bytes: Buffer.concat(chunks).length });
    expect(received()).toBe(Buffer.concat(chunks).toString());
    expect(pausedSeen).toBe(true);
  });

  it("stops past the cap with the caller's error and the bytes passed so far, ending nothing", async () => {
    const source = new PassThrough();
    const { sink, received } = slowSink(0, 1024);
    const piping = pipeCapped(source, sink, 5, tooLarge);
    source.write("abc");
    source.write("def");
    const outcome = await piping;
    expect(outcome.bytes).toBe(6);
    expect(outcome.error).toEqual(tooLarge());
    expect(received()).toBe("abc");
    expect(sink.writableEnded).toBe(false);
  });

  it("reports at once a source or target already gone before the pipe began", async () => {
    const goneTarget = slowSink(0).sink;
    goneTarget.destroy();
    expect(await pipeCapped(new PassThrough(), goneTarget, 100, tooLarge)).toMatchObject({
      bytes: 0,
      error: { code: "ERR_STREAM_PREMATURE_CLOSE" },
    });
    const goneSource = new PassThrough();
    goneSource.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await pipeCapped(goneSource, slowSink(0).sink, 100, tooLarge)).toMatchObject({
      bytes: 0,
      error: { code: "ERR_STREAM_PREMATURE_CLOSE" },
    });
  });

  it("reports the source's error, and a target that closed first", async () => {
    const source = new PassThrough();
    const { sink } = slowSink(0, 1024);
    const piping = pipeCapped(source, sink, 100, tooLarge);
    source.write("ab");
    source.destroy(new Error("upstream reset"));
    expect(await piping).toMatchObject({ error: new Error("upstream reset") });

    const source2 = new PassThrough();
    const { sink: sink2 } = slowSink(0, 1024);
    const piping2 = pipeCapped(source2, sink2, 100, tooLarge);
    source2.write("ab");
    sink2.destroy();
    const outcome2 = await piping2;
    expect(outcome2.error).toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
    expect(source2.destroyed).toBe(false); // the caller decides
  });
});
