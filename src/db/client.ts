import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg, type NodePgDatabase, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { installArrayRowFastPath } from './pg-result.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** One type for both drivers: the PGlite database is used through the same query API. */
export type Db = NodePgDatabase<Schema>;
export type Tx = PgTransaction<NodePgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export const pgliteExtensions = { pg_trgm, unaccent, pgcrypto, btree_gist };

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Throws when the database does not answer within timeoutMs. */
  ping(timeoutMs: number): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
  readonly pglite?: PGlite;
  readonly pool?: pg.Pool;
}

export interface DatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  /** A ready PGlite instance (tests clone a migrated template into one). */
  pglite?: PGlite;
  poolMax?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  onQuery?: (sql: string) => void;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Dates (`date` columns) stay 'YYYY-MM-DD' strings instead of being shifted through JS Date.
pg.types.setTypeParser(1082, (value: string) => value);
// bigint counts (count(*)) as numbers: none of ours approach 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined, {
    extensions: pgliteExtensions,
  });
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery?.(query) } : undefined;
  if (options.url) {
    installArrayRowFastPath();
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolMax ?? 20,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      application_name: 'hce-api',
    });
    // A connection that dies while idle (server restart) must not crash the process;
    // the pool drops it and the next checkout opens a new one.
    pool.on('error', () => undefined);
    const db = drizzlePg(pool, { schema, logger, casing: 'snake_case' });
    return {
      kind: 'postgres',
      db,
      pool,
      async ping(timeoutMs) {
        await withTimeout(pool.query('SELECT 1'), timeoutMs, 'database ping');
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: () => pool.end(),
    };
  }
  const client = options.pglite ?? (await openPglite(options.dataDir));
  const db = drizzlePglite(client, { schema, logger, casing: 'snake_case' }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async ping(timeoutMs) {
      if (client.closed) throw new Error('database closed');
      await withTimeout(client.query('SELECT 1'), timeoutMs, 'database ping');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
