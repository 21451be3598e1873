/**
 * What PostgreSQL itself does on this machine, in the same run: pgbench select-only (-S),
 * its default TPC-B-like transaction, and a one-row INSERT script, each with the same 100
 * clients as the API scenarios, in a database of their own on the same server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reference } from './stats.js';

function pgbenchBinary(): string | undefined {
  const onPath = spawnSync('pgbench', ['--version']);
  if (onPath.status === 0) return 'pgbench';
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin', 'pgbench')).find((p) => existsSync(p));
}

function tps(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([\d.]+)/.exec(output);
  return match ? Number(match[1]) : 0;
}

/** The caller creates `bench_insert (id bigserial, payload text, created_at timestamptz)` first. */
export function runPgbench(url: string, seconds: number, clients: number): Reference | undefined {
  const bin = pgbenchBinary();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hce-pgbench-'));
  const insertScript = join(dir, 'insert.sql');
  writeFileSync(insertScript, "INSERT INTO bench_insert (payload) VALUES ('Consulta de medicina general · Núñez Chávez');\n");
  const run = (args: string[]) => execFileSync(bin, [...args, url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  run(['-i', '-q', '-s', '10']);
  const common = ['-c', String(clients), '-j', '2', '-T', String(seconds), '-n'];
  return {
    selectOnlyTps: tps(run(['-S', ...common])),
    tpcbTps: tps(run(common)),
    insertTps: tps(run(['-f', insertScript, ...common])),
  };
}
