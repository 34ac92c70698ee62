/**
 * At most `limit` holders at once; the rest wait in arrival order. Caps password hashing
 * (docs/security.md "Sign-in throttling"): scrypt runs on libuv's small thread pool, which
 * DNS lookups and file reads share, so a flood of sign-ins must not take all of it.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
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
