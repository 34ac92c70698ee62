/**
 * A bounded map whose entries expire (docs/architecture.md "Caches and invalidation"): the
 * in-process caches of the data plane are built on it. Expired entries are dropped when
 * read; past `maxEntries` the oldest insertion goes first. A generation counter lets a
 * loader that started before an invalidation refuse to store what it read.
 */
export class TtlMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private generationValue = 0;

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {}

  /** Changes whenever something is deleted or cleared: compare before and after a load. */
  get generation(): number {
    return this.generationValue;
  }

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for at most the map's TTL (less when `ttlMs` is smaller). */
  set(key: K, value: V, ttlMs = this.options.ttlMs, now = Date.now()): void {
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: now + Math.min(ttlMs, this.options.ttlMs) });
  }

  /** Stores `value` only when nothing was invalidated since `generation` was read. */
  setIfCurrent(generation: number, key: K, value: V, ttlMs?: number): void {
    if (generation === this.generationValue) this.set(key, value, ttlMs);
  }

  delete(key: K): void {
    this.generationValue += 1;
    this.entries.delete(key);
  }

  /** Deletes every entry whose value matches. */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    this.generationValue += 1;
    for (const [key, entry] of this.entries) if (matches(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.generationValue += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
