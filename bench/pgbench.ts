/**
 * What PostgreSQL itself does on this machine, in the same run: pgbench select-only (-S),
 * its default TPC-B-like transaction, and a one-row INSERT script, each with the same 100
 * clients as the API scenarios, in a database of their own on the same server. pgbench logs
 * every transaction (`--log`), so its p50/p95/p99 sit next to the API's: what latency the
 * database alone gives at the same concurrency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentiles, type Latency, type Reference } from './stats.js';

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

/**
 * Per-transaction latencies from pgbench's logs (one file per thread, `prefix.<pid>[.<thread>]`):
 * each line is `client transaction latency_us script epoch_s epoch_us`.
 */
function loggedLatency(dir: string, prefix: string): Latency {
  const micros: number[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const latency = Number(line.split(' ')[2]);
      if (line && Number.isFinite(latency)) micros.push(latency / 1000);
    }
  }
  return percentiles(micros.sort((a, b) => a - b));
}

/** The caller creates `bench_insert (id bigserial, payload text, created_at timestamptz)` first. */
export function runPgbench(url: string, seconds: number, clients: number): Reference | undefined {
  const bin = pgbenchBinary();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hce-pgbench-'));
  const run = (args: string[]) => execFileSync(bin, [...args, url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  const common = ['-c', String(clients), '-j', '2', '-T', String(seconds), '-n'];
  const measure = (name: string, args: string[]) => {
    const output = run([...args, ...common, '--log', `--log-prefix=${join(dir, name)}`]);
    return { tps: tps(output), latency: loggedLatency(dir, name) };
  };
  try {
    const insertScript = join(dir, 'one-row-insert.sql');
    writeFileSync(insertScript, "INSERT INTO bench_insert (payload) VALUES ('Consulta de medicina general · Núñez Chávez');\n");
    run(['-i', '-q', '-s', '10']);
    const selectOnly = measure('select', ['-S']);
    const tpcb = measure('tpcb', []);
    const insert = measure('insert', ['-f', insertScript]);
    return {
      selectOnlyTps: selectOnly.tps, tpcbTps: tpcb.tps, insertTps: insert.tps,
      latencyMs: { selectOnly: selectOnly.latency, tpcb: tpcb.latency, insert: insert.latency },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
