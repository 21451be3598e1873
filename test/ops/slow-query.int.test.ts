import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { logSlowQueries } from '../../src/shared/slow-query.js';
import { LogCapture } from '../helpers/app.js';
import { createTestDatabase, testDbKind } from '../helpers/database.js';

describe('slow-query log', () => {
  it.runIf(testDbKind() === 'postgres')('logs statements over SLOW_QUERY_MS without their parameter values', async () => {
    const testDatabase = await createTestDatabase({ poolMax: 2 });
    const logs = new LogCapture();
    // A pool of its own: the hook wraps clients as they connect, as at server start.
    const pool = new pg.Pool({ connectionString: testDatabase.url!, max: 1 });
    logSlowQueries(pool, 100, createLogger('info', logs));
    try {
      await pool.query('SELECT pg_sleep(0.3), $1::text AS dni', ['40123456']);
      await pool.query('SELECT 1');
    } finally {
      await pool.end();
      await testDatabase.dispose();
    }
    const slow = logs.entries.filter((e) => e.msg === 'slow query');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ thresholdMs: 100, statement: expect.stringContaining('pg_sleep') });
    expect(Number(slow[0]!.durationMs)).toBeGreaterThanOrEqual(100);
    expect(logs.text).not.toContain('40123456');
  });
});
