import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { CircuitBreaker, type CircuitState } from '../../src/modules/integrations/http/circuit-breaker.js';
import { LastGoodCache } from '../../src/modules/integrations/http/last-good-cache.js';
import { isoDate, isoDateOrInstant } from '../../src/modules/integrations/http/normalize.js';

describe('circuit breaker', () => {
  const setup = () => {
    let now = 1_000;
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker(3, 30_000, () => now, (s) => changes.push(s));
    return { breaker, changes, advance: (ms: number) => (now += ms) };
  };

  it('opens after N consecutive failures and refuses with the remaining cool-down', () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 2; i++) breaker.failure(breaker.acquire());
    breaker.success(breaker.acquire()); // a success resets the count
    for (let i = 0; i < 3; i++) breaker.failure(breaker.acquire());
    expect(breaker.state).toBe('open');
    advance(10_000);
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect(changes).toEqual(['open']);
  });

  it('lets exactly one trial through after the cool-down, and closes or reopens on its outcome', () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(breaker.acquire());
    advance(30_000);
    const trial = breaker.acquire();
    expect(trial).toEqual({ allowed: true, trial: true });
    expect(breaker.acquire().allowed).toBe(false); // others wait for the trial
    breaker.failure(trial);
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toEqual({ allowed: false, retryAfterMs: 30_000 });
    advance(30_000);
    const second = breaker.acquire();
    breaker.success(second);
    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toEqual({ allowed: true, trial: false });
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});

describe('last good cache', () => {
  it('expires entries after the TTL and evicts the least recently used beyond the bound', () => {
    let now = 0;
    const cache = new LastGoodCache<string>(1_000, 3, () => now);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.get('a')?.value).toBe('A'); // a is now the most recently used
    cache.set('d', 'D');
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a')?.value, cache.get('c')?.value, cache.get('d')?.value]).toEqual(['A', 'C', 'D']);
    now = 1_001;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('keeps nothing when the TTL is 0', () => {
    const cache = new LastGoodCache<string>(0);
    cache.set('a', 'A');
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('date normalization', () => {
  it('reads DICOM DA, ISO dates and date-times, refusing impossible dates', () => {
    expect(isoDate('20261120')).toBe('2026-11-20');
    expect(isoDate('2026-11-20T23:30:00-05:00')).toBe('2026-11-20');
    expect(isoDate('20260230')).toBeNull();
    expect(isoDate('ayer')).toBeNull();
    expect(isoDateOrInstant('2026-11-20T23:30:00-05:00')).toBe('2026-11-21T04:30:00.000Z');
    expect(isoDateOrInstant('2026-11-20')).toBe('2026-11-20');
  });
});

describe('integration settings', () => {
  const base = { JWT_SECRET: 'x'.repeat(40) };

  it('defaults to 800 ms, 5 failures, 30 s cool-down, 10 min cache and a 5 MB cap', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      PACS_MODE: 'rest', LIS_MODE: 'rest', PACS_TIMEOUT_MS: 800, LIS_TIMEOUT_MS: 800, PACS_AUTH_HEADER: 'Authorization',
      PACS_PATIENT_ID: 'numeroDocumento', INTEGRATION_CIRCUIT_FAILURES: 5, INTEGRATION_CIRCUIT_COOLDOWN_MS: 30_000,
      INTEGRATION_CACHE_TTL_MS: 600_000, INTEGRATION_MAX_RESPONSE_BYTES: 5 * 1024 * 1024,
    });
    expect(config.PACS_BASE_URL).toBeUndefined();
    expect(loadConfig({ ...base, PACS_BASE_URL: 'http://pacs.local:8042/dicom-web/' }).PACS_BASE_URL).toBe('http://pacs.local:8042/dicom-web');
  });

  it('names every bad integration setting, field maps included', () => {
    let problems: string[] = [];
    try {
      loadConfig({ ...base, PACS_MODE: 'wado', LIS_BASE_URL: 'ftp://lis', PACS_FIELD_MAP: '{"studyUid":"x"}', LIS_FIELD_MAP: 'no json', PACS_PATIENT_ID: 'dni' });
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    const keys = problems.map((p) => p.split(':')[0]);
    expect(keys).toEqual(expect.arrayContaining(['PACS_MODE', 'LIS_BASE_URL', 'PACS_FIELD_MAP', 'LIS_FIELD_MAP', 'PACS_PATIENT_ID']));
    expect(problems.find((p) => p.startsWith('PACS_FIELD_MAP'))).toContain("'studyUid'");
  });
});
