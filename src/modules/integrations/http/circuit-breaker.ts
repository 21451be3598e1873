/**
 * A per-system circuit breaker. After `threshold` consecutive failures it opens and refuses
 * calls for `cooldownMs`, so a hanging PACS or LIS costs the doctor nothing instead of a
 * timeout on every request; then it lets exactly one trial call through (half-open) and
 * closes again on its success.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export type CircuitPermit = { allowed: true; trial: boolean } | { allowed: false; retryAfterMs: number };

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private current: CircuitState = 'closed';
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: CircuitState) => void = () => undefined,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Asks to make a call; a refused call must not be reported back. */
  acquire(): CircuitPermit {
    if (this.current === 'closed') return { allowed: true, trial: false };
    const elapsed = this.now() - this.openedAt;
    if (this.current === 'open' && elapsed >= this.cooldownMs) this.transition('half-open');
    if (this.current === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return { allowed: true, trial: true };
    }
    return { allowed: false, retryAfterMs: Math.max(0, this.cooldownMs - elapsed) };
  }

  /** The system answered sensibly (even if with "not found"). */
  success(permit: CircuitPermit): void {
    if (permit.allowed && permit.trial) this.trialInFlight = false;
    this.consecutiveFailures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  /** The system failed: timeout, refused, 5xx, garbage. */
  failure(permit: CircuitPermit): void {
    if (permit.allowed && permit.trial) this.trialInFlight = false;
    this.consecutiveFailures += 1;
    if (this.current === 'half-open' || (this.current === 'closed' && this.consecutiveFailures >= this.threshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.onChange(state);
  }
}
