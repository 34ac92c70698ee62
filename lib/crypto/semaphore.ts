import { Busy } from "@/lib/errors";

/**
 * At most `limit` holders at once; the rest wait in arrival order, at most `maxWaiting` of
 * them: beyond, `run` refuses at once with Busy (429) instead of queueing without bound.
 * Caps password hashing (docs/security.md "Sign-in throttling"): scrypt runs on libuv's
 * small thread pool, which DNS lookups and file reads share, so a flood of sign-ins must
 * not take all of it, nor pile up in memory.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit && this.waiting.length >= this.maxWaiting) throw new Busy();
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  get pending(): number {
    return this.waiting.length;
  }
}
