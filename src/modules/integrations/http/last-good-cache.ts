/**
 * The last good answer per key, kept for `ttlMs` and bounded to `maxEntries` (least recently
 * used out first), so a PACS or LIS outage still shows the doctor what was seen minutes ago
 * without the process growing without limit. In memory on purpose: clinical data from an
 * external system is not persisted by the HCE, and each instance warms its own cache.
 */
export interface CachedEntry<T> {
  value: T;
  storedAt: number;
}

export class LastGoodCache<T> {
  private readonly entries = new Map<string, CachedEntry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedEntry<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry as most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: T): CachedEntry<T> {
    const entry = { value, storedAt: this.now() };
    if (this.ttlMs <= 0) return entry;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}
