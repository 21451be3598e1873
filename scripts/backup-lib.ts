import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/** What `npm run backup` writes beside the dump, and what `npm run restore` checks first. */
export interface BackupManifest {
  format: 'hce-backup/1';
  createdAt: string;
  driver: 'postgres' | 'pglite';
  database: { file: string; sha256: string; bytes: number };
  /** Exact row counts per table at dump time (public and drizzle schemas). */
  tables: Record<string, number>;
  files: { path: string; sha256: string; bytes: number }[];
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under dir, relative paths with '/' separators, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

export async function fileEntries(dir: string): Promise<BackupManifest['files']> {
  const entries: BackupManifest['files'] = [];
  for (const path of listFiles(dir)) {
    const full = join(dir, path);
    entries.push({ path, sha256: await sha256File(full), bytes: statSync(full).size });
  }
  return entries;
}

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

const TABLES_SQL = `SELECT schemaname || '.' || tablename AS name FROM pg_tables
  WHERE schemaname IN ('public', 'drizzle') ORDER BY 1`;

export async function tableCounts(query: Query): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const tables = (await query(TABLES_SQL)).rows.map((r) => String(r.name));
  for (const name of tables) {
    const [schema, table] = name.split('.') as [string, string];
    const result = await query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    counts[name] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}

export async function postgresCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await tableCounts((sql) => client.query(sql));
  } finally {
    await client.end();
  }
}

export async function pgliteCounts(db: PGlite): Promise<Record<string, number>> {
  return tableCounts((sql) => db.query<Record<string, unknown>>(sql));
}

/** Arguments as `--name value` pairs plus positionals. */
export function parseArgs(argv: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags[arg.slice(2)] = next;
      i += 1;
    } else flags[arg.slice(2)] = true;
  }
  return { flags, positional };
}
