import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, pgliteExtensions, type Database } from '../../src/db/client.js';

export interface TestDatabase {
  database: Database;
  /** Connection string of this file's own database (PostgreSQL only). */
  url?: string;
  dispose(): Promise<void>;
}

export const testDbKind = (): 'pglite' | 'postgres' => inject('testDb').kind;

let templateBytes: Buffer | undefined;

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(options: { poolMax?: number; onQuery?: (sql: string) => void } = {}): Promise<TestDatabase> {
  const info = inject('testDb');
  if (info.kind === 'pglite') {
    templateBytes ??= readFileSync(info.templateFile);
    const pglite = await PGlite.create({
      loadDataDir: new Blob([templateBytes]),
      extensions: pgliteExtensions,
    });
    const database = await createDatabase({ pglite, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
    return { database, dispose: () => database.close() };
  }
  const name = `hce_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: info.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${info.template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(info.adminUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ url: url.toString(), poolMax: options.poolMax ?? 10, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  return {
    database,
    url: url.toString(),
    async dispose() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: info.adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
