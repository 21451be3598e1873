import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { migrationsFolder } from '../../src/shared/paths.js';
import { createTestDatabase, testDbKind } from '../helpers/database.js';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };

describe(`migrations (${testDbKind()})`, () => {
  it('applies every committed migration with the extensions loaded', async () => {
    const { database, dispose } = await createTestDatabase();
    try {
      const applied = await database.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
      expect(applied.rows[0]).toEqual({ n: journal.entries.length });
      const ext = await database.db.execute(sql`SELECT extname FROM pg_extension ORDER BY extname`);
      expect(ext.rows.map((r) => r.extname)).toEqual(expect.arrayContaining(['btree_gist', 'pg_trgm', 'pgcrypto', 'unaccent']));
      const folded = await database.db.execute(sql`SELECT hce_fold('José NÚÑEZ') AS v`);
      expect(folded.rows[0]).toEqual({ v: 'jose nunez' });
      // Re-running is a no-op.
      await runMigrations(database);
      const again = await database.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
      expect(again.rows[0]).toEqual({ n: journal.entries.length });
    } finally {
      await dispose();
    }
  });

  it.runIf(testDbKind() === 'postgres')('runs migrations without the pool\'s statement timeout, and gives the connection its limit back', async () => {
    // An empty database and a pool whose statements may last 1 ms: every migration statement
    // (extensions, index builds) takes longer; a clinic-sized index build takes longer than the real 15 s.
    const { url, dispose } = await createTestDatabase();
    const empty = new URL(url!);
    empty.pathname = `${empty.pathname}_empty`;
    const admin = await createDatabase({ url: url! });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${empty.pathname.slice(1)}`));
    const database = await createDatabase({ url: empty.toString(), poolMax: 1, statementTimeoutMs: 1 });
    try {
      await runMigrations(database);
      const applied = await database.pool!.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      expect(applied.rows[0]!.n).toBe(journal.entries.length);
      // The single pooled connection is the one the migrator used: its 1 ms limit is back.
      expect((await database.pool!.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout).toBe('1ms');
    } finally {
      await database.close();
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${empty.pathname.slice(1)} WITH (FORCE)`));
      await admin.close();
      await dispose();
    }
  }, 120_000);

  it('keeps embedded data across a restart of the same data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hce-restart-'));
    const first = await createDatabase({ dataDir: dir });
    await runMigrations(first);
    await first.db.execute(sql`CREATE TABLE restart_probe (v text)`);
    await first.db.execute(sql`INSERT INTO restart_probe VALUES ('persisted')`);
    await first.close();
    const second = await createDatabase({ dataDir: dir });
    await runMigrations(second);
    const rows = await second.db.execute(sql`SELECT v FROM restart_probe`);
    expect(rows.rows).toEqual([{ v: 'persisted' }]);
    await second.close();
  }, 60_000);
});
