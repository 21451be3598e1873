import { PGlite } from '@electric-sql/pglite';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDatabase, pgliteExtensions } from '../../src/db/client.js';
import { fileEntries, pgliteCounts, postgresCounts, type BackupManifest } from '../../scripts/backup-lib.js';
import { pdf, upload } from '../attachments/helpers.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser } from '../factories/users.js';
import { buildTestApp, TEST_SECRETS } from '../helpers/app.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../helpers/database.js';

/**
 * `npm run backup` then a wipe then `npm run restore`, as an operator would run them (child
 * processes, real pg_dump/pg_restore on PostgreSQL, a PGlite data directory otherwise): every
 * table's row count and every stored file's SHA-256 must come back identical.
 */

const work = mkdtempSync(join(tmpdir(), 'hce-backup-test-'));
const dataDir = join(work, 'data');
const backupDir = join(work, 'backup');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(script: 'backup' | 'restore', args: string[], env: Record<string, string>): string {
  return execFileSync(join('node_modules', '.bin', 'tsx'), [join('scripts', `${script}.ts`), ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', HCE_DATA_DIR: dataDir, ...TEST_SECRETS, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function openDatabase(): Promise<TestDatabase> {
  if (testDbKind() === 'postgres') return createTestDatabase();
  const info = inject('testDb');
  if (info.kind !== 'pglite') throw new Error('unreachable');
  mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(join(dataDir, 'pgdata'), {
    extensions: pgliteExtensions,
    loadDataDir: new Blob([readFileSync(info.templateFile)]),
  });
  const database = await createDatabase({ pglite });
  return { database, dispose: () => database.close() };
}

describe('backup and restore', () => {
  it('backs up, survives a wipe and restores every row and every file', async () => {
    const testDatabase = await openDatabase();
    const t = await buildTestApp({ testDatabase });
    const asistente = await createUser(t, 'ASISTENTE');
    const doctor = await createUser(t, 'MEDICO');
    const patients = [await createPatient(t, asistente), await createPatient(t, asistente), await createPatient(t, asistente)];
    const attentionId = (await createAttention(t, doctor, { patient_id: patients[0]!.id, tipoAtencion: 'EMERGENCIA' })).id;
    for (const size of [2048, 300_000]) {
      const res = await upload(t, doctor, attentionId, [
        { name: 'fileName', value: `Informe ${size}.pdf` }, { name: 'fileType', value: 'application/pdf' },
        { name: 'file', filename: 'informe.pdf', contentType: 'application/pdf', data: pdf(size) },
      ]);
      expect(res.statusCode, res.body).toBe(201);
    }
    cpSync(join(t.dataDir, 'files'), join(dataDir, 'files'), { recursive: true });
    const url = testDatabase.url;
    const before = url ? await postgresCounts(url) : await pgliteCounts(testDatabase.database.pglite!);
    const filesBefore = await fileEntries(join(dataDir, 'files'));
    await t.close();
    if (!url) await testDatabase.database.close();
    const env: Record<string, string> = url ? { DATABASE_URL: url } : {};

    expect(run('backup', ['--out', backupDir], env)).toMatch(/Respaldo (postgres|pglite)/);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.tables).toEqual(before);
    expect(manifest.tables['public.patients']).toBeGreaterThanOrEqual(3);
    expect(manifest.files.map((f) => f.sha256).sort()).toEqual(filesBefore.map((f) => f.sha256).sort());
    expect(filesBefore.length).toBeGreaterThanOrEqual(2);

    // Wipe: the database and the attachment store.
    if (url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public;');
      await client.end();
      expect((await postgresCounts(url))['public.patients']).toBeUndefined();
    } else {
      rmSync(join(dataDir, 'pgdata'), { recursive: true, force: true });
    }
    rmSync(join(dataDir, 'files'), { recursive: true, force: true });

    // A tampered backup is refused before anything is restored.
    const victim = join(backupDir, 'files', manifest.files[0]!.path);
    const original = readFileSync(victim);
    cpSync(join(backupDir, 'manifest.json'), join(work, 'manifest.bak'));
    execFileSync('sh', ['-c', `printf x >> "${victim}"`]);
    expect(() => run('restore', [backupDir], env)).toThrow(/SHA-256/);
    execFileSync('sh', ['-c', `truncate -s ${original.length} "${victim}"`]);

    expect(run('restore', [backupDir], env)).toMatch(/Restaurado/);
    const after = url ? await postgresCounts(url) : await (async () => {
      const db = await PGlite.create(join(dataDir, 'pgdata'), { extensions: pgliteExtensions });
      try { return await pgliteCounts(db); } finally { await db.close(); }
    })();
    expect(after).toEqual(before);
    expect(await fileEntries(join(dataDir, 'files'))).toEqual(filesBefore);
    // Restoring over a live database needs an explicit --force.
    expect(() => run('restore', [backupDir], env)).toThrow(/--force/);
    if (url) await testDatabase.dispose();
    expect(existsSync(join(backupDir, 'manifest.json'))).toBe(true);
  }, 180_000);
});
