import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../shared/paths.js';
import type { Database } from './client.js';

/** Any constant works; it only has to be the same in every process sharing the database. */
const MIGRATION_LOCK_KEY = 7_263_514_001;

/**
 * Applies the committed SQL migrations. On PostgreSQL several API processes may start at
 * once, so the migrator runs under a session advisory lock on one dedicated connection, with
 * no statement timeout: building an index over a clinic's patients takes longer than the
 * pool's per-statement limit, and so does waiting for the process that holds the lock.
 */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(drizzlePglite(database.pglite!), { migrationsFolder });
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
    // Back to the pool's own limit (its connection parameter) before the pool lends it again.
    await client.query('RESET statement_timeout');
  } catch (error) {
    client.release(true); // a failed migration may leave the session without its limit: drop it
    throw error;
  }
  client.release();
}
