import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientPayload } from '../factories/patients.js';
import { deliverSale, salePayload } from '../factories/sales.js';
import {
  ADMIN, api, createDatabaseOn, freePort, login, pgControl, serverEnv, staff, startServer, type ServerProcess,
} from '../ops/server-process.js';

/**
 * Fault suite on a dedicated PostgreSQL cluster the test may stop (RELIABILITY_PG_DIR/PORT/URL,
 * started by .ci/reliability.sh): SIGKILL under concurrent writes, database outage and
 * recovery without restart, SIGTERM during load. The server is the real one, a child process.
 */
const PG_DIR = process.env.RELIABILITY_PG_DIR;
const PG_PORT = process.env.RELIABILITY_PG_PORT;
const PG_URL = process.env.RELIABILITY_PG_URL;
const ready = Boolean(PG_DIR && PG_PORT && PG_URL);
if (!ready && process.env.CI === 'true') {
  throw new Error('RELIABILITY_PG_DIR/PORT/URL are not set: CI must run this suite through .ci/reliability.sh');
}

const SALES_KEY = 'reliability-test-sales-api-key-0000000000';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

describe.runIf(ready)('reliability (real server process, real PostgreSQL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hce-fault-'));
  let databaseUrl: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  let admin: string;
  let asistente: string;
  let doctor: string;
  let medicamentoId: string;
  let doctorId: string;
  let serviceTypeId: string;

  beforeAll(async () => {
    databaseUrl = await createDatabaseOn(PG_URL!);
    env = serverEnv(databaseUrl, dataDir, await freePort(), { HCE_SALES_API_KEY: SALES_KEY });
    server = await startServer(env);
    admin = await login(server.url, ADMIN.email, ADMIN.password);
    asistente = await staff(server.url, admin, 'ASISTENTE', 1);
    doctor = await staff(server.url, admin, 'MEDICO', 2);
    const meds = await api(server.url, 'GET', '/api/v1/catalogs/medications?search=paracetamol&limit=5', doctor);
    medicamentoId = String((meds.json().data as { id: string }[])[0]!.id);
    doctorId = String((await api(server.url, 'GET', '/api/v1/auth/me', doctor)).json().id);
    const types = (await api(server.url, 'GET', '/api/v1/service-types', asistente)).json().data as { id: string; codigo: string }[];
    serviceTypeId = types.find((t) => t.codigo === 'CONS-MG')!.id;
  }, 300_000);

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('loses no acknowledged write and shows nothing half-written after SIGKILL', async () => {
    const base = server!.url;
    const acked = { patients: [] as string[], attentions: [] as string[], finalized: [] as string[], prescriptions: [] as string[], attachments: new Map<string, string>(),
      appointments: [] as string[], sales: [] as { body: unknown; appointmentId: string; patientId: string }[] };
    let stop = false;
    const refusals: string[] = [];
    const note = (what: string, res: { status: number; text: string }) => {
      if (res.status >= 400 && refusals.length < 8) refusals.push(`${what} ${res.status} ${res.text.slice(0, 200)}`);
    };
    const patientIds: string[] = [];
    for (let i = 0; i < 3; i += 1) patientIds.push(String((await api(base, 'POST', '/api/v1/patients', asistente, patientPayload())).json().id));

    const guard = async (fn: () => Promise<void>) => {
      while (!stop) {
        try {
          await fn();
        } catch {
          // connection refused/reset once the process is gone: not acknowledged
        }
      }
    };
    const writePatient = async () => {
      const res = await api(base, 'POST', '/api/v1/patients', asistente, patientPayload());
      if (res.status === 201) acked.patients.push(String(res.json().id));
      else note('patient', res);
    };
    const writeAttention = async () => {
      const patientId = patientIds[Math.floor(Math.random() * patientIds.length)]!;
      const created = await api(base, 'POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA', motivoConsulta: 'Control' });
      if (created.status !== 201) return note('attention', created);
      const id = String(created.json().id);
      acked.attentions.push(id);
      const rx = await api(base, 'POST', `/api/v1/medical_attentions/${id}/prescriptions`, doctor, { medicamento_id: medicamentoId, dosis: '500 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '3 días', cantidad: 9 });
      if (rx.status === 201) acked.prescriptions.push(String(rx.json().id));
      else note('prescription', rx);
      const file = pdf(20_000 + Math.floor(Math.random() * 200_000));
      const form = new FormData();
      form.append('fileName', 'Resultado.pdf');
      form.append('fileType', 'application/pdf');
      form.append('file', new Blob([file], { type: 'application/pdf' }), 'resultado.pdf');
      const up = await fetch(`${base}/api/v1/medical_attentions/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${doctor}` }, body: form });
      if (up.status === 201) acked.attachments.set(String(((await up.json()) as { id: string }).id), sha256(file));
      else note('attachment', { status: up.status, text: await up.text() });
      await api(base, 'POST', `/api/v1/medical_attentions/${id}/diagnoses`, doctor, { cie_code: 'J03.9', type: 'DEFINITIVO' });
      const fin = await api(base, 'PUT', `/api/v1/medical_attentions/${id}/finalize`, doctor);
      if (fin.status === 200) acked.finalized.push(id);
      else note('finalize', fin);
    };
    // One 20-minute slot per write, weeks ahead, so the agenda never refuses an overlap.
    let slot = 0;
    const nextSlot = (offsetDays: number) => {
      const n = slot++;
      const day = new Date(Date.now() + (offsetDays + Math.floor(n / 30)) * 86_400_000).toISOString().slice(0, 10);
      const minutes = 8 * 60 + (n % 30) * 20;
      return { fecha: day, hora: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` };
    };
    const writeAppointment = async () => {
      const res = await api(base, 'POST', '/api/v1/appointments', asistente, {
        patient_id: patientIds[0], doctor_id: doctorId, service_type_id: serviceTypeId, infoPago: 'PENDIENTE', ...nextSlot(30) });
      if (res.status === 201) acked.appointments.push(String(res.json().id));
      else note('appointment', res);
    };
    const writeSale = async () => {
      const body = salePayload({ cmp: '20002', ...nextSlot(400) });
      const res = await deliverSale(base, SALES_KEY, body);
      const text = await res.text();
      if (res.status !== 200) return note('sale', { status: res.status, text });
      const json = JSON.parse(text) as { appointment_id: string; patient_id: string };
      acked.sales.push({ body, appointmentId: json.appointment_id, patientId: json.patient_id });
    };
    const writers = [guard(writePatient), guard(writePatient), guard(writeAttention), guard(writeAttention), guard(writeAttention),
      guard(writeAppointment), guard(writeSale)];
    // Kill once every kind of write has been acknowledged a few times (bounded on a slow machine).
    const until = Date.now() + 90_000;
    while ((acked.finalized.length < 3 || acked.attachments.size < 3 || acked.patients.length < 10 || acked.appointments.length < 3 || acked.sales.length < 3)
      && Date.now() < until) await sleep(50);
    server!.child.kill('SIGKILL');
    await server!.exited;
    stop = true;
    await Promise.all(writers);
    const why = refusals.join('\n');
    expect(acked.patients.length, why).toBeGreaterThan(0);
    expect(acked.finalized.length, why).toBeGreaterThan(0);
    expect(acked.attachments.size, why).toBeGreaterThan(0);
    expect(acked.prescriptions.length, why).toBeGreaterThan(0);
    expect(acked.appointments.length, why).toBeGreaterThan(0);
    expect(acked.sales.length, why).toBeGreaterThan(0);

    server = await startServer(env);
    const adminToken = await login(server.url, ADMIN.email, ADMIN.password);
    void adminToken;
    const present = async (table: string, ids: string[]) =>
      (await sql<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [ids])).map((r) => r.id).sort();
    expect(await present('patients', acked.patients)).toEqual([...acked.patients].sort());
    expect(await present('medical_attentions', acked.attentions)).toEqual([...acked.attentions].sort());
    expect(await present('prescriptions', acked.prescriptions)).toEqual([...acked.prescriptions].sort());
    expect(await present('appointments', acked.appointments)).toEqual([...acked.appointments].sort());
    const saleAppointments = acked.sales.map((x) => x.appointmentId);
    expect(await present('appointments', saleAppointments)).toEqual([...saleAppointments].sort());
    // A sale acknowledged before the crash is still known: its redelivery is a replay, not a second booking.
    for (const sale of acked.sales.slice(0, 3)) {
      const again = await deliverSale(server.url, SALES_KEY, sale.body);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toMatchObject({ appointment_id: sale.appointmentId, patient_id: sale.patientId });
    }
    const finalized = await sql<{ id: string }>(`SELECT id FROM medical_attentions WHERE estado = 'FINALIZADA' AND id = ANY($1::uuid[])`, [acked.finalized]);
    expect(finalized).toHaveLength(acked.finalized.length);
    // No attention half-finalized: the state and its seal are written together or not at all.
    const half = await sql(`SELECT id FROM medical_attentions WHERE (estado = 'FINALIZADA') <> (sealHash IS NOT NULL AND finalized_at IS NOT NULL AND firmante IS NOT NULL)`.replace('sealHash', 'seal_hash'));
    expect(half).toEqual([]);
    // Every acknowledged attachment reads back byte for byte; no attachment row lacks its file.
    for (const [id, hash] of acked.attachments) {
      const res = await fetch(`${server.url}/api/v1/attachments/${id}/content`, { headers: { authorization: `Bearer ${doctor}` } });
      expect(res.status, id).toBe(200);
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(hash);
    }
    const rows = await sql<{ id: string }>('SELECT id FROM attachments WHERE deleted_at IS NULL');
    for (const { id } of rows) {
      const res = await fetch(`${server.url}/api/v1/attachments/${id}/content`, { headers: { authorization: `Bearer ${doctor}` } });
      expect(res.status, `attachment ${id} without its file`).toBe(200);
      await res.arrayBuffer();
    }
  }, 300_000);

  it('answers 503 DB_UNAVAILABLE quickly while PostgreSQL is down and recovers without a restart', async () => {
    const base = server!.url;
    expect((await api(base, 'GET', '/api/v1/patients?limit=1', asistente)).status).toBe(200);
    pgControl('stop', PG_DIR!, PG_PORT!);
    try {
      for (const [method, path, body] of [['GET', '/health/ready'], ['GET', '/api/v1/patients?limit=1'], ['POST', '/api/v1/patients', patientPayload()]] as const) {
        const started = Date.now();
        const res = await api(base, method, path, path.startsWith('/health') ? undefined : asistente, body);
        // Generous bound: the point is "no hanging request", not a latency target.
        expect(Date.now() - started, path).toBeLessThan(5000);
        expect(res.status, `${path}: ${res.text}`).toBe(503);
        expect(res.json().code).toBe('DB_UNAVAILABLE');
      }
      expect((await api(base, 'GET', '/health/live')).status).toBe(200);
    } finally {
      pgControl('start', PG_DIR!, PG_PORT!);
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) {
      status = (await api(base, 'GET', '/health/ready')).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    expect((await api(base, 'GET', '/api/v1/patients?limit=1', asistente)).status).toBe(200);
    expect((await api(base, 'POST', '/api/v1/patients', asistente, patientPayload())).status).toBe(201);
  }, 120_000);

  it('finishes every accepted request on SIGTERM and drops none', async () => {
    const base = server!.url;
    const outcomes = await (async () => {
      const inflight = Array.from({ length: 40 }, () => api(base, 'POST', '/api/v1/patients', asistente, patientPayload())
        .then((r) => ({ status: r.status, id: r.status === 201 ? String(r.json().id) : undefined, error: undefined as string | undefined }))
        .catch((e: Error & { cause?: { code?: string } }) => ({ status: 0, id: undefined, error: e.cause?.code ?? e.message })));
      await sleep(30);
      server!.child.kill('SIGTERM');
      return Promise.all(inflight);
    })();
    const exitCode = await server!.exited;
    expect(exitCode, server!.output().slice(-2000)).toBe(0);
    const created = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
    // Refused before acceptance (connection refused, or 503 while closing) is fine; a reset
    // connection or a 5xx other than that 503 would be a dropped request.
    const dropped = outcomes.filter((o) => !(o.status === 201 || o.status === 503 || o.error === 'ECONNREFUSED'));
    expect(dropped).toEqual([]);
    expect(created.length).toBeGreaterThan(0);
    server = await startServer(env);
    const rows = await sql<{ id: string }>('SELECT id FROM patients WHERE id = ANY($1::uuid[])', [created]);
    expect(rows).toHaveLength(created.length);
  }, 300_000);
});
