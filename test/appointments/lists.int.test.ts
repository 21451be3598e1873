import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('appointment lists', () => {
  let t: TestApp;
  let asistente: TestUser;
  let drA: TestUser;
  let drB: TestUser;
  let p1: string;
  let p2: string;
  let queries: string[] = [];
  const d1 = dayFromToday(10);
  const d2 = dayFromToday(11);
  const d3 = dayFromToday(12);

  beforeAll(async () => {
    const testDatabase = await createTestDatabase({ onQuery: (q) => queries.push(q) });
    t = await buildTestApp({ testDatabase });
    asistente = await createUser(t, 'ASISTENTE');
    drA = await createUser(t, 'MEDICO');
    drB = await createUser(t, 'MEDICO');
    p1 = (await createPatient(t, asistente)).id;
    p2 = (await createPatient(t, asistente, { nombres: 'Rosa' })).id;
    const mg = await serviceTypeId(t, asistente, 'CONS-MG');
    const ctrl = await serviceTypeId(t, asistente, 'CTRL');
    const plan: [string, string, string, string, string, string][] = [
      // doctor, patient, fecha, hora, service, infoPago
      [drA.id, p1, d1, '08:00', mg, 'PAGADO'], [drA.id, p2, d1, '08:20', ctrl, 'PENDIENTE'], [drA.id, p1, d2, '09:00', mg, 'PENDIENTE'],
      [drB.id, p2, d1, '08:00', mg, 'PAGADO'], [drB.id, p1, d3, '10:00', ctrl, 'PAGADO'], [drB.id, p2, d2, '07:40', mg, 'PENDIENTE'],
    ];
    for (const [doctor_id, patient_id, fecha, hora, service_type_id, infoPago] of plan) {
      await createAppointment(t, asistente, { doctor_id, patient_id, fecha, hora, service_type_id, infoPago });
    }
    const confirm = (await t.app.inject({ method: 'GET', url: `/api/v1/appointments?doctor_id=${drB.id}&date=${d1}`, headers: asistente.headers })).json().data[0].id;
    await t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${confirm}`, headers: asistente.headers, payload: { estado: 'CONFIRMADA' } });
  });
  afterAll(async () => t.close());

  const list = async (query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/appointments?${query}`, headers: drA.headers });
    expect(res.statusCode, query).toBe(200);
    return res.json() as { data: { fecha: string; hora: string; doctor: { id: string }; patient: { id: string; nombreCompleto: string }; estado: string; infoPago: string; serviceType: { codigo: string } }[]; total: number };
  };

  it("shows a doctor's agenda in a date range, ordered by date and time", async () => {
    const res = await list(`doctor_id=${drA.id}&start_date=${d1}&end_date=${d2}`);
    expect(res.total).toBe(3);
    expect(res.data.map((a) => `${a.fecha} ${a.hora}`)).toEqual([`${d1} 08:00`, `${d1} 08:20`, `${d2} 09:00`]);
    expect(res.data.every((a) => a.doctor.id === drA.id)).toBe(true);
    expect((await list(`doctor_id=${drA.id}&start_date=${d2}&end_date=${d3}`)).total).toBe(1);
  });

  it("shows a patient's history", async () => {
    const res = await list(`patient_id=${p1}`);
    expect(res.total).toBe(3);
    expect(res.data.every((a) => a.patient.id === p1)).toBe(true);
  });

  it('filters the global agenda by date, status, service type (code or id) and payment, combinably', async () => {
    expect((await list(`date=${d1}`)).total).toBe(3);
    expect((await list(`date=${d1}&status=CONFIRMADA`)).total).toBe(1);
    expect((await list(`date=${d1}&infoPago=PAGADO`)).total).toBe(2);
    expect((await list(`date=${d1}&service_type=CTRL`)).total).toBe(1);
    expect((await list(`service_type=ctrl&infoPago=PAGADO`)).total).toBe(1);
    expect((await list(`date=${d1}&infoPago=PAGADO&status=PENDIENTE`)).total).toBe(1);
    expect((await list(`service_type=NOEXISTE`)).total).toBe(0);
    const paged = await list(`limit=2&offset=4`);
    expect(paged.total).toBe(6);
    expect(paged.data).toHaveLength(2);
  });

  it('refuses bad filters with 400', async () => {
    for (const q of ['date=2026-02-30', 'status=ABIERTA', 'doctor_id=abc', `start_date=${d2}&end_date=${d1}`, 'limit=0']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/appointments?${q}`, headers: drA.headers });
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('loads a page of appointments in a bounded number of queries', async () => {
    queries = [];
    const res = await list('limit=100');
    expect(res.data).toHaveLength(6);
    expect(res.data[0]!.patient.nombreCompleto).not.toBe('');
    const selects = queries.filter((q) => /^select/i.test(q.trim()));
    // page + count + patients + doctors + service types (auth user cache may add one).
    expect(selects.length).toBeLessThanOrEqual(6);
  });
});
