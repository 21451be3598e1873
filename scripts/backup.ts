/**
 * npm run backup -- [--out DIR]
 *
 * PostgreSQL (DATABASE_URL): pg_dump in custom format (a consistent snapshot while the API
 * keeps serving). Embedded PGlite: its data directory as a tarball — PGlite allows one
 * process per directory, so stop the API first. Then the attachment store
 * (HCE_DATA_DIR/files, still envelope-encrypted) and manifest.json with SHA-256 of everything
 * and each table's row count. HCE_DATA_KEY is NOT in the backup: keep it apart.
 */
import { PGlite } from '@electric-sql/pglite';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { pgliteExtensions } from '../src/db/client.js';
import { fileEntries, parseArgs, pgliteCounts, postgresCounts, sha256File, type BackupManifest } from './backup-lib.js';

const { flags } = parseArgs(process.argv.slice(2));
const config = loadConfig();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = resolve(typeof flags.out === 'string' ? flags.out : join('backups', `hce-${stamp}`));
if (existsSync(out) && statSync(out).isDirectory() && existsSync(join(out, 'manifest.json'))) {
  process.stderr.write(`Ya existe un respaldo en ${out}; elija otro --out.\n`);
  process.exit(1);
}
mkdirSync(out, { recursive: true, mode: 0o700 });

let driver: BackupManifest['driver'];
let dbFile: string;
let tables: Record<string, number>;
if (config.DATABASE_URL) {
  driver = 'postgres';
  dbFile = 'database.dump';
  // Counts first: rows written between the count and the dump only make the dump larger.
  tables = await postgresCounts(config.DATABASE_URL);
  execFileSync('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${join(out, dbFile)}`, config.DATABASE_URL], { stdio: ['ignore', 'inherit', 'inherit'] });
} else {
  driver = 'pglite';
  dbFile = 'database.tar.gz';
  const dataDir = join(config.HCE_DATA_DIR, 'pgdata');
  if (!existsSync(dataDir)) {
    process.stderr.write(`No hay base de datos embebida en ${dataDir}.\n`);
    process.exit(1);
  }
  const db = await PGlite.create(dataDir, { extensions: pgliteExtensions });
  try {
    tables = await pgliteCounts(db);
    const dump = await db.dumpDataDir('gzip');
    writeFileSync(join(out, dbFile), Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  } finally {
    await db.close();
  }
}

const filesDir = join(config.HCE_DATA_DIR, 'files');
if (existsSync(filesDir)) cpSync(filesDir, join(out, 'files'), { recursive: true });
const manifest: BackupManifest = {
  format: 'hce-backup/1',
  createdAt: new Date().toISOString(),
  driver,
  database: { file: dbFile, sha256: await sha256File(join(out, dbFile)), bytes: statSync(join(out, dbFile)).size },
  tables,
  files: await fileEntries(join(out, 'files')),
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
const rows = Object.values(tables).reduce((a, b) => a + b, 0);
process.stdout.write(`Respaldo ${driver} en ${out}: ${Object.keys(tables).length} tablas, ${rows} filas, ${manifest.files.length} archivos.\n`);
