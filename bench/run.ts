/**
 * The benchmark: seeds a PostgreSQL database (BENCH_DATABASE_URL names the server), starts
 * the API as a child process as production would run it (bcrypt cost 12, logs off), runs
 * each scenario with 100 connections after a warm-up, measures pgbench on the same server,
 * and writes bench/results/<date>.json plus a table. See bench/README.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_ASSISTANT_EMAIL, BENCH_DOCTOR_EMAIL, BENCH_PASSWORD } from '../scripts/seed-demo/load.js';
import { runPgbench } from './pgbench.js';
import { scenarios, type BenchContext, type Scenario } from './scenarios.js';
import { cpuSampler, percentiles, rssSampler, table, type Reference, type ScenarioResult } from './stats.js';

const { values } = parseArgs({ options: {
  preset: { type: 'string', default: 'medium' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '3' },
  connections: { type: 'string', default: '100' },
  reuse: { type: 'boolean', default: false },
  only: { type: 'string' },
  // One API process per core, as production runs on a multi-core host (HCE_WORKERS).
  workers: { type: 'string', default: String(availableParallelism()) },
  // CI smoke: fail when a scenario completed nothing or got errors (never on timings).
  check: { type: 'boolean', default: false },
  out: { type: 'string' },
  // Writes a V8 CPU profile of each API process into this directory (open with Chrome DevTools).
  profile: { type: 'string' },
} });
const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl) throw new Error('BENCH_DATABASE_URL is not set (npm run bench starts a PostgreSQL when it is unset)');
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
// Fixed, published keys: this data is fake and a reused database must stay readable.
const secrets = { JWT_SECRET: 'bench-only-jwt-secret-not-for-production-use-000', HCE_DATA_KEY: Buffer.alloc(32, 7).toString('base64') };
const SALES_KEY = 'bench-only-sales-api-key-0000000000000000';
const dbName = `hce_bench_${values.preset}`;
const dbUrl = withDatabase(serverUrl, dbName);
const log = (m: string) => process.stderr.write(`${m}\n`);

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try { await client.query(sql); } finally { await client.end(); }
}

async function prepareDatabase(): Promise<void> {
  if (values.reuse) return;
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName}`);
  log(`seeding ${values.preset} into ${dbName}…`);
  const seed = spawnSync('npx', ['tsx', 'scripts/seed-demo.ts', '--preset', values.preset], {
    stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...secrets, DATABASE_URL: dbUrl, BCRYPT_COST: '12', LOG_LEVEL: 'silent' } });
  if (seed.status !== 0) throw new Error('seed:demo failed');
}

/** PACS and LIS peers that answer every call with an empty list after 50 ms. */
function slowStub(): Promise<Server> {
  const server = createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'), 50);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const stubUrl = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

async function startApi(port: number, extraEnv: Record<string, string>): Promise<ChildProcess> {
  // The compiled server, as production runs it (tsc output, no on-the-fly transpiler).
  const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/src/server.js'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...secrets, ...extraEnv, DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent',
      BCRYPT_COST: '12', JWT_ACCESS_TTL_SECONDS: '7200', DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? '8', HCE_WORKERS: values.workers,
      // The login limits (60/min per IP) exist for attackers; 100 benchmark connections come from one IP.
      RATE_LIMIT_LOGIN_PER_IP: '100000000', RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000000', HCE_ADMIN_PASSWORD: BENCH_PASSWORD },
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return child;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the API did not become ready');
}

async function call<T>(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function context(base: string): Promise<BenchContext> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const q = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[];
    const login = (email: string) => call<{ accessToken: string }>(base, 'POST', '/api/v1/auth/login', { email, password: BENCH_PASSWORD });
    const doctorToken = (await login(BENCH_DOCTOR_EMAIL)).accessToken;
    const assistantToken = (await login(BENCH_ASSISTANT_EMAIL)).accessToken;
    const auth = { authorization: `Bearer ${doctorToken}` };
    const doctorEmails = (await q<{ email: string }>("SELECT email FROM users WHERE email LIKE 'medico%@demo.hce.local' ORDER BY email")).map((r) => r.email);
    const patientIds = (await q<{ id: string }>('SELECT id FROM patients ORDER BY md5(id::text) LIMIT 2000')).map((r) => r.id);
    const patientCount = Number((await q<{ n: string }>('SELECT count(*) AS n FROM patients'))[0]!.n);
    const seededPatients = Number((await q<{ n: string }>("SELECT count(*) AS n FROM patients WHERE created_by IS NULL"))[0]!.n);
    const doctorWeeks = (await q<{ doctor_id: string; start: string; end: string }>(
      `SELECT doctor_id, to_char(w, 'YYYY-MM-DD') AS start, to_char(w + 6, 'YYYY-MM-DD') AS end
         FROM (SELECT DISTINCT doctor_id, date_trunc('week', fecha)::date AS w FROM appointments) x ORDER BY md5(doctor_id::text || w::text) LIMIT 500`))
      .map((r) => ({ doctorId: r.doctor_id, start: r.start, end: r.end }));
    const days = (await q<{ d: string }>("SELECT DISTINCT to_char(fecha, 'YYYY-MM-DD') AS d FROM appointments ORDER BY 1 LIMIT 400")).map((r) => r.d);
    const attentionIds = (await q<{ id: string }>('SELECT id FROM medical_attentions ORDER BY md5(id::text) LIMIT 2000')).map((r) => r.id);
    // Open attentions of the bench doctor on patients with an allergy, so every prescription runs the check.
    const allergic = await q<{ id: string }>("SELECT id FROM patients WHERE alergias @> '[{\"alergia\":\"Sulfas\"}]' ORDER BY id LIMIT 20");
    const [paracetamol] = await q<{ id: string }>("SELECT id FROM medications WHERE dci ILIKE 'paracetamol' AND activo ORDER BY id LIMIT 1");
    if (!paracetamol) throw new Error('paracetamol is missing from the medications catalog');
    const prescriptionTargets = [];
    for (const p of allergic) {
      const att = await call<{ id: string }>(base, 'POST', '/api/v1/medical_attentions',
        { patient_id: p.id, tipoAtencion: 'CONSULTA', motivoSinCita: 'Benchmark', motivoConsulta: 'Fiebre' }, auth);
      prescriptionTargets.push({ attentionId: att.id, medicamentoId: paracetamol.id });
    }
    const [saleDoctor] = await q<{ cmp: string }>("SELECT cmp FROM users WHERE email = $1", [BENCH_DOCTOR_EMAIL]);
    return { assistantToken, doctorToken, doctorEmails, password: BENCH_PASSWORD, patientIds, patientCount, seededPatients, doctorWeeks, days,
      attentionIds, prescriptionTargets, summaryAvailable: true, webhookAvailable: true, salesApiKey: SALES_KEY, ...(saleDoctor ? { saleDoctorCmp: saleDoctor.cmp } : {}) };
  } finally {
    await client.end();
  }
}

async function runScenario(base: string, pid: number, s: Scenario): Promise<ScenarioResult> {
  const conns = s.connections ?? connections;
  if (warmup > 0) await autocannon({ url: base, connections: conns, duration: warmup, requests: s.requests });
  const sampler = rssSampler(pid);
  const cpu = cpuSampler(pid);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: base, connections: conns, duration, requests: s.requests }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  const maxRssMb = sampler.stop();
  const cpuUsPerRequest = cpu.stop(result.requests.total);
  latencies.sort((a, b) => a - b);
  const odd = [...statuses].filter(([code]) => code < 200 || code >= 300).map(([code, n]) => `${code}×${n}`).join(' ');
  return { name: s.name, kind: s.kind, targetP99Ms: s.targetP99Ms, requestsPerSecond: result.requests.total / duration,
    latencyMs: percentiles(latencies), requests: result.requests.total,
    errors: result.errors, non2xx: result.non2xx, maxRssMb, cpuUsPerRequest, ...(odd || s.note ? { note: [odd, s.note].filter(Boolean).join('; ') } : {}) };
}

await prepareDatabase();
const pacs = await slowStub();
const lis = await slowStub();
const port = 39_000 + Math.floor(Math.random() * 1000);
const api = await startApi(port, { PACS_BASE_URL: stubUrl(pacs), LIS_BASE_URL: stubUrl(lis), PACS_MODE: 'rest', LIS_MODE: 'rest', HCE_SALES_API_KEY: SALES_KEY,
  RATE_LIMIT_WEBHOOK_PER_MIN: '100000000' });
const base = `http://127.0.0.1:${port}`;
const results: ScenarioResult[] = [];
try {
  const ctx = await context(base);
  const wanted = values.only?.split(',').map((x) => x.trim().toLowerCase());
  for (const s of scenarios(ctx, Date.now() % 1_000_000)) {
    if (wanted && !wanted.some((w) => s.name.toLowerCase().includes(w))) continue;
    log(`→ ${s.name}`);
    const r = await runScenario(base, api.pid!, s);
    results.push(r);
    log(`  ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.latencyMs.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}${r.note ? ` (${r.note})` : ''}`);
  }
} finally {
  api.kill('SIGTERM');
  pacs.close();
  lis.close();
}
await new Promise((r) => api.once('exit', r));
log('→ pgbench');
const pgbenchDb = 'hce_bench_pgbench';
await admin(`DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`);
await admin(`CREATE DATABASE ${pgbenchDb}`);
{
  const c = new pg.Client({ connectionString: withDatabase(serverUrl, pgbenchDb) });
  await c.connect();
  await c.query('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text, created_at timestamptz DEFAULT now())');
  await c.end();
}
const reference: Reference | undefined = runPgbench(withDatabase(serverUrl, pgbenchDb), duration, connections);
await admin(`DROP DATABASE IF EXISTS ${pgbenchDb} WITH (FORCE)`);

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const report = { date: new Date().toISOString(), preset: values.preset, workers: Number(values.workers), durationSeconds: duration, warmupSeconds: warmup, connections, machine, reference, results };
const out = values.out ?? `bench/results/${report.date.replace(/[:.]/g, '-')}.json`;
mkdirSync('bench/results', { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(table(results, reference, connections));
if (values.check) {
  const broken = results.filter((r) => r.requests === 0 || r.errors > 0 || r.non2xx > 0);
  for (const r of broken) log(`✗ ${r.name}: ${r.requests} respuestas, ${r.errors} errores, ${r.non2xx} no-2xx ${r.note ?? ''}`);
  if (broken.length > 0 || results.length === 0) process.exitCode = 1;
}
console.log(`\n${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; preset ${values.preset}, ${values.workers} proceso(s) API, ${connections} conexiones, ${duration} s por escenario tras ${warmup} s de calentamiento → ${out}`);
