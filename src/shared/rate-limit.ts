/**
 * Fixed-window counters behind one interface: in memory by default (one process), Redis
 * when REDIS_URL is set (shared by every API instance).
 */
export interface RateLimitStore {
  /** Counts one hit on `key` and returns the count in the current window. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => {
      const t = this.now();
      for (const [key, w] of this.windows) if (w.resetAt <= t) this.windows.delete(key);
    }, 60_000);
    this.sweeper.unref();
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, resetInMs: w.resetAt - t };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

export interface RateRule {
  /** Key prefix, e.g. "login:ip". */
  name: string;
  max: number;
  windowMs: number;
}

export class RateLimiter {
  constructor(readonly store: RateLimitStore, private readonly onStoreError: (error: unknown) => void = () => undefined) {}

  /**
   * Returns seconds to wait when over the limit, or 0 when allowed. If the shared store is
   * unreachable the request is allowed (fail-open) and the failure reported: the account
   * lockout lives in the database and still protects every account.
   */
  async check(rule: RateRule, subject: string): Promise<number> {
    let hit: { count: number; resetInMs: number };
    try {
      hit = await this.store.hit(`${rule.name}:${subject}`, rule.windowMs);
    } catch (error) {
      this.onStoreError(error);
      return 0;
    }
    return hit.count > rule.max ? Math.max(1, Math.ceil(hit.resetInMs / 1000)) : 0;
  }
}
