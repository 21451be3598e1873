import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from 'pino';

type QueryFn = (...args: unknown[]) => unknown;

function statementText(arg: unknown): string {
  const text = typeof arg === 'string' ? arg : (arg as { text?: unknown } | null)?.text;
  // Parameterised SQL only (values are never logged: they hold patient data); one line, bounded.
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').slice(0, 300) : '?';
}

/**
 * Logs every statement on the pool that takes at least thresholdMs (SLOW_QUERY_MS), timed
 * around each pooled client's query(), so it covers Drizzle and raw pool queries alike.
 */
export function logSlowQueries(pool: pg.Pool, thresholdMs: number, logger: Logger): void {
  pool.on('connect', (client) => {
    const holder = client as unknown as { query: QueryFn };
    const original = holder.query.bind(client) as QueryFn;
    holder.query = (...args: unknown[]) => {
      const started = performance.now();
      const done = (): void => {
        const durationMs = Math.round(performance.now() - started);
        if (durationMs >= thresholdMs) logger.warn({ durationMs, thresholdMs, statement: statementText(args[0]) }, 'slow query');
      };
      // pool.query() calls client.query with a callback; transactions use the promise form.
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        args[args.length - 1] = (...cbArgs: unknown[]) => {
          done();
          return (last as QueryFn)(...cbArgs);
        };
        return original(...args);
      }
      const result = original(...args);
      if (result instanceof Promise) result.then(done, done);
      return result;
    };
  });
}
