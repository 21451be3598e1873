/** Server memory, CPU split and the result table of the benchmark. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ScenarioResult {
  name: string;
  kind: 'read' | 'write' | 'login' | 'integration';
  requestsPerSecond: number;
  latencyMs: Latency;
  requests: number;
  errors: number;
  non2xx: number;
  maxRssMb: number;
  /** CPU time per answer (µs) of the API processes, of PostgreSQL on this machine and of the load generator. */
  cpuUsPerRequest?: { api: number; postgres: number; loadGenerator: number };
  /** The p99 target of the issue for this kind of scenario (ms). */
  targetP99Ms: number;
  note?: string;
}

export function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.replace(/\D/g, '')) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The process and its children (cluster workers). */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [pid];
  }
}

/** Samples the largest RSS of any one server process (the primary or a worker) until stopped. */
export function rssSampler(pid: number, everyMs = 250): { stop: () => number } {
  const sample = () => Math.max(...processTree(pid).map(rssMb));
  let max = sample();
  const timer = setInterval(() => { max = Math.max(max, sample()); }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(max, sample());
    },
  };
}

/** Clock ticks (USER_HZ, 100 on Linux) of user + system time from a /proc/<pid>/stat line. */
function cpuTicks(pid: number | string): { ticks: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), comm: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return undefined; // the process ended
  }
}

/**
 * CPU used during a window by the server's processes, by every PostgreSQL process on this
 * machine (backends, WAL writer, checkpointer, autovacuum; none when the database is remote),
 * and by this process (autocannon runs in it). Processes born inside the window count from zero.
 */
export function cpuSampler(pid: number): { stop: (requests: number) => NonNullable<ScenarioResult['cpuUsPerRequest']> } {
  const snapshot = () => {
    const api = new Map(processTree(pid).map((p) => [p, cpuTicks(p)?.ticks ?? 0]));
    const postgres = new Map<string, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const t = cpuTicks(entry);
      if (t?.comm === 'postgres') postgres.set(entry, t.ticks);
    }
    return { api, postgres, self: process.cpuUsage() };
  };
  const delta = (before: Map<number | string, number>, after: Map<number | string, number>) =>
    [...after].reduce((sum, [p, ticks]) => sum + Math.max(0, ticks - (before.get(p) ?? 0)), 0) * 10_000; // ticks → µs
  const start = snapshot();
  return {
    stop: (requests) => {
      const end = snapshot();
      const self = process.cpuUsage(start.self);
      const per = (us: number) => (requests > 0 ? Math.round(us / requests) : 0);
      return { api: per(delta(start.api, end.api)), postgres: per(delta(start.postgres, end.postgres)), loadGenerator: per(self.user + self.system) };
    },
  };
}

export interface Latency { p50: number; p95: number; p99: number; max: number }

/** Nearest-rank percentiles of latencies already sorted in ascending order. */
export function percentiles(sorted: readonly number[]): Latency {
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
  return { p50: pct(50), p95: pct(95), p99: pct(99), max: sorted.at(-1) ?? 0 };
}

/** pgbench's throughput and, per transaction as its clients saw it, its latency (ms). */
export interface Reference {
  selectOnlyTps: number;
  tpcbTps: number;
  insertTps: number;
  latencyMs?: { selectOnly: Latency; tpcb: Latency; insert: Latency };
}

export function table(results: ScenarioResult[], ref: Reference | undefined, clients: number): string {
  const head = ['escenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'meta p99', 'errores', 'no-2xx', 'RSS MB', 'CPU µs/resp. API·PG·carga', 'vs pgbench'];
  const rows = results.map((r) => {
    const base = r.kind === 'write' ? ref?.tpcbTps : ref?.selectOnlyTps;
    const ratio = base ? `${((r.requestsPerSecond / base) * 100).toFixed(1)}% ${r.kind === 'write' ? 'TPC-B' : '-S'}` : '—';
    return [r.name, r.requestsPerSecond.toFixed(0), r.latencyMs.p50.toFixed(1), r.latencyMs.p95.toFixed(1), r.latencyMs.p99.toFixed(1),
      `${r.targetP99Ms}${r.latencyMs.p99 <= r.targetP99Ms ? ' ✓' : ' ✗'}`, String(r.errors), String(r.non2xx), String(r.maxRssMb),
      r.cpuUsPerRequest ? `${r.cpuUsPerRequest.api} · ${r.cpuUsPerRequest.postgres} · ${r.cpuUsPerRequest.loadGenerator}` : '—', ratio];
  });
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
  if (ref) {
    const p99 = (l: Latency | undefined) => (l ? ` (p99 ${l.p99.toFixed(1)} ms)` : '');
    out.push('', `pgbench (mismo servidor, ${clients} clientes): -S ${ref.selectOnlyTps.toFixed(0)} tps${p99(ref.latencyMs?.selectOnly)}`
      + ` · TPC-B ${ref.tpcbTps.toFixed(0)} tps${p99(ref.latencyMs?.tpcb)} · INSERT ${ref.insertTps.toFixed(0)} tps${p99(ref.latencyMs?.insert)}`);
  }
  return out.join('\n');
}
