/**
 * npm run restore -- DIR [--force]
 *
 * Checks every checksum in DIR/manifest.json before touching anything, restores the database
 * (pg_restore into DATABASE_URL, which must be empty unless --force; or the PGlite data
 * directory, whose current copy is moved aside, never deleted) and the attachment store,
 * then recounts every table and rehashes every file against the manifest. Exit code 0 only
 * when everything matches. Stop the API first.
 */
import { PGlite } from '@electric-sql/pglite';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/env.js';
import { pgliteExtensions } from '../src/db/client.js';
import { fileEntries, parseArgs, pgliteCounts, postgresCounts, sha256File, type BackupManifest } from './backup-lib.js';

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

const { flags, positional } = parseArgs(process.argv.slice(2));
const dir = positional[0] ? resolve(positional[0]) : fail('Uso: npm run restore -- DIRECTORIO_DEL_RESPALDO [--force]');
const config = loadConfig();
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
if (manifest.format !== 'hce-backup/1') fail(`Formato de respaldo desconocido: ${String(manifest.format)}`);
if (manifest.driver !== (config.DATABASE_URL ? 'postgres' : 'pglite')) {
  fail(`El respaldo es de ${manifest.driver}; la configuración actual usa ${config.DATABASE_URL ? 'postgres' : 'pglite'}.`);
}

// 1. Verify before restoring: a corrupt backup must not replace a working database.
const dbPath = join(dir, manifest.database.file);
if ((await sha256File(dbPath)) !== manifest.database.sha256) fail(`Suma SHA-256 distinta: ${manifest.database.file}`);
for (const file of manifest.files) {
  if ((await sha256File(join(dir, 'files', file.path))) !== file.sha256) fail(`Suma SHA-256 distinta: files/${file.path}`);
}

// 2. Database.
let counts: Record<string, number>;
if (config.DATABASE_URL) {
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  const existing = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname IN ('public', 'drizzle')`);
  await client.end();
  if (Number(existing.rows[0]?.n) > 0 && flags.force !== true) {
    fail('La base de destino no está vacía; use una base nueva o --force (reemplaza sus tablas).');
  }
  execFileSync('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error',
    ...(flags.force === true ? ['--clean', '--if-exists'] : []), `--dbname=${config.DATABASE_URL}`, dbPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  counts = await postgresCounts(config.DATABASE_URL);
} else {
  const dataDir = join(config.HCE_DATA_DIR, 'pgdata');
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    if (flags.force !== true) fail(`Ya existe una base embebida en ${dataDir}; use --force (se conserva como copia).`);
    renameSync(dataDir, `${dataDir}.before-restore-${Date.now()}`);
  }
  mkdirSync(config.HCE_DATA_DIR, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: pgliteExtensions, loadDataDir: new Blob([readFileSync(dbPath)]) });
  try {
    counts = await pgliteCounts(db);
  } finally {
    await db.close();
  }
}

// 3. Attachments: files already present with the same name are overwritten by the backup copy.
const filesDir = join(config.HCE_DATA_DIR, 'files');
if (existsSync(join(dir, 'files'))) cpSync(join(dir, 'files'), filesDir, { recursive: true });

// 4. Compare with the manifest.
const problems: string[] = [];
for (const [table, expected] of Object.entries(manifest.tables)) {
  if (counts[table] !== expected) problems.push(`tabla ${table}: ${String(counts[table])} filas, esperadas ${expected}`);
}
const restored = new Map((await fileEntries(filesDir)).map((f) => [f.path, f.sha256]));
for (const file of manifest.files) {
  if (restored.get(file.path) !== file.sha256) problems.push(`archivo ${file.path}: falta o difiere`);
}
if (problems.length > 0) fail(`Restauración incompleta:\n  ${problems.join('\n  ')}`);
process.stdout.write(`Restaurado desde ${dir}: ${Object.keys(counts).length} tablas y ${manifest.files.length} archivos verificados.\n`);
