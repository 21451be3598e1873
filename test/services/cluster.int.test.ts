import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN, api, createDatabaseOn, freePort, login, serverEnv, staff, startServer, type ServerProcess,
} from '../ops/server-process.js';
import { deliverSale, salePayload } from '../factories/sales.js';

/**
 * Two API processes on one PostgreSQL with Redis (REDIS_URL) behind nginx (Debian package,
 * loopback), as .ci/reliability.sh starts them: security state must hold across instances.
 */
const PG_URL = process.env.CLUSTER_PG_URL;
const REDIS_URL = process.env.REDIS_URL;
const ready = Boolean(PG_URL && REDIS_URL);
const SALES_KEY = 'cluster-test-sales-api-key-000000000000000';
if (!ready && process.env.CI === 'true') {
  throw new Error('CLUSTER_PG_URL/REDIS_URL are not set: CI must run this suite through .ci/reliability.sh');
}

describe.runIf(ready)('two instances behind nginx with Redis', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'hce-a-')), mkdtempSync(join(tmpdir(), 'hce-b-'))];
  let a: ServerProcess;
  let b: ServerProcess;
  let nginx: { url: string; dir: string } | undefined;
  let admin: string;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createDatabaseOn(PG_URL!);
    const shared = { REDIS_URL: REDIS_URL!, TRUST_PROXY: 'true', LOGIN_MAX_FAILURES: '3', RATE_LIMIT_LOGIN_PER_ACCOUNT: '4', HCE_SALES_API_KEY: SALES_KEY };
    // Sequential: the first start applies migrations and seeds catalogs.
    a = await startServer(serverEnv(databaseUrl, dirs[0]!, await freePort(), shared));
    b = await startServer(serverEnv(databaseUrl, dirs[1]!, await freePort(), shared));
    const out = execFileSync('bash', ['-c', `source .ci/services.sh && start_nginx ${new URL(a.url).port} ${new URL(b.url).port} >/dev/null && echo "$NGINX_URL $NGINX_DIR"`], { encoding: 'utf8' });
    const [url, dir] = out.trim().split(' ');
    nginx = { url: url!, dir: dir! };
    admin = await login(a.url, ADMIN.email, ADMIN.password);
  }, 400_000);

  afterAll(() => {
    if (nginx) execFileSync('bash', ['-c', `source .ci/services.sh && NGINX_DIR=${nginx.dir} stop_nginx`]);
    a?.child.kill('SIGKILL');
    b?.child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function newUser(n: number): Promise<string> {
    const email = `cluster${n}.${Date.now()}@clinica.pe`;
    const res = await api(a.url, 'POST', '/api/v1/users', admin, { email, password: 'Clave-Segura-2026', nombres: 'Ana', apellidoPaterno: 'Quispe', apellidoMaterno: 'Núñez', role: 'ASISTENTE' });
    expect(res.status, res.text).toBe(201);
    return email;
  }

  it('serves through nginx and survives one instance going away', async () => {
    expect((await api(nginx!.url, 'GET', '/health/ready')).status).toBe(200);
    const token = await staff(nginx!.url, await login(nginx!.url, ADMIN.email, ADMIN.password), 'ASISTENTE', 7);
    for (let i = 0; i < 6; i += 1) expect((await api(nginx!.url, 'GET', '/api/v1/patients?limit=1', token)).status).toBe(200);
  });

  it('counts login failures, lockout and the per-account rate limit across both instances', async () => {
    const email = await newUser(1);
    const statuses: number[] = [];
    for (const [i, base] of [a.url, b.url, a.url, b.url, a.url].entries()) {
      const password = i === 3 ? 'Clave-Segura-2026' : 'Incorrecta-12345';
      statuses.push((await api(base, 'POST', '/api/v1/auth/login', undefined, { email, password })).status);
    }
    // 3 failures lock the account (the right password is refused on the other instance),
    // and the 5th attempt exceeds the shared per-account limit of 4.
    expect(statuses).toEqual([401, 401, 401, 423, 429]);
  });

  it('revokes a refresh-token family on reuse, whichever instance sees the reuse', async () => {
    const email = await newUser(2);
    const first = await api(a.url, 'POST', '/api/v1/auth/login', undefined, { email, password: 'Clave-Segura-2026' });
    const original = String(first.json().refreshToken);
    const rotated = await api(a.url, 'POST', '/api/v1/auth/refresh', undefined, { refreshToken: original });
    expect(rotated.status).toBe(200);
    expect((await api(b.url, 'POST', '/api/v1/auth/refresh', undefined, { refreshToken: original })).status).toBe(401);
    expect((await api(a.url, 'POST', '/api/v1/auth/refresh', undefined, { refreshToken: String(rotated.json().refreshToken) })).status).toBe(401);
  });

  it('turns one sale delivered 20 times to both instances into one patient and one appointment', async () => {
    await staff(a.url, admin, 'MEDICO', 31); // CMP 20031
    const sale = salePayload({ cmp: '20031', fecha: '2027-03-15', hora: '09:00' });
    const deliver = (base: string) => deliverSale(base, SALES_KEY, sale);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => deliver(i % 2 === 0 ? a.url : b.url)));
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), json: await r.json() as Record<string, unknown> })));
    expect(bodies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(bodies.map((r) => `${String(r.json.patient_id)}/${String(r.json.appointment_id)}`)).size).toBe(1);
    expect(bodies.filter((r) => r.replayed === 'true')).toHaveLength(19);
    const assistant = await staff(a.url, admin, 'ASISTENTE', 32);
    const found = await api(b.url, 'GET', `/api/v1/patients?tipoDocumento=DNI&numeroDocumento=${sale.paciente.numeroDocumento}`, assistant);
    expect(found.json().total).toBe(1);
    const appointments = await api(a.url, 'GET', `/api/v1/appointments?date=2027-03-15&patient_id=${String(bodies[0]!.json.patient_id)}`, assistant);
    expect((appointments.json().data as unknown[]).length).toBe(1);
  });

  it('runs HCE_WORKERS=2 processes on one port and stops them cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'hce-w-'));
    dirs.push(dir);
    const workers = await startServer(serverEnv(databaseUrl, dir, port, { REDIS_URL: REDIS_URL!, HCE_WORKERS: '2' }));
    const pid = workers.child.pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    expect(children).toHaveLength(2);
    // Each worker runs with the heap flags (HCE_WORKER_HEAP_MB, default 512) that keep its RSS near 200 MB.
    for (const child of children) expect(readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--max-old-space-size=512', '--max-semi-space-size=32']));
    const token = await login(workers.url, ADMIN.email, ADMIN.password);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => api(workers.url, 'GET', '/api/v1/auth/me', token).then((r) => r.status)));
    expect(statuses).toEqual(Array(40).fill(200));
    workers.child.kill('SIGTERM');
    expect(await workers.exited).toBe(0);
  });

  it('keeps answering through nginx while one instance shuts down', async () => {
    a.child.kill('SIGTERM');
    await a.exited;
    for (let i = 0; i < 4; i += 1) expect((await api(nginx!.url, 'GET', '/health/live')).status).toBe(200);
  });
});
