import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { json, startStub, type Stub } from './pacs-lis-stubs.js';

/** The doctor's unified view: each section with its own status, PACS and LIS in parallel, audited once. */
describe('patient summary', () => {
  let pacs: Stub;
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let patient: Awaited<ReturnType<typeof createPatient>>;
  let upcoming: string;
  let cancelled: string;
  let attentionId: string;

  beforeAll(async () => {
    pacs = await startStub();
    // The LIS points at a port nobody listens on: that system is down.
    t = await buildTestApp({ env: { PACS_BASE_URL: pacs.url, LIS_BASE_URL: 'http://127.0.0.1:1', PACS_TIMEOUT_MS: '5000', LIS_TIMEOUT_MS: '5000', INTEGRATION_CIRCUIT_FAILURES: '1000' } });
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    patient = await createPatient(t, asistente, { antecedentesCronicos: ['Diabetes mellitus tipo 2'], medicacionActual: ['Metformina 850 mg'] });
    const consulta = await serviceTypeId(t, asistente);
    const book = (fecha: string, hora: string) => createAppointment(t, asistente, { patient_id: patient.id, doctor_id: doctor.id, service_type_id: consulta, fecha, hora });
    const today = await book(dayFromToday(0), '23:40');
    attentionId = (await createAttention(t, doctor, { patient_id: patient.id, appointment_id: today.id })).id;
    await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/diagnoses`, headers: doctor.headers, payload: { cie_code: 'E11.9', type: 'DEFINITIVO' } });
    await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/diagnoses`, headers: doctor.headers, payload: { cie_code: 'J06.9', type: 'DESCARTADO' } });
    upcoming = (await book(dayFromToday(5), '09:00')).id;
    cancelled = (await book(dayFromToday(6), '09:00')).id;
    await t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${cancelled}`, headers: asistente.headers, payload: { estado: 'CANCELADA' } });
    pacs.forPatient(patient.numeroDocumento, json({ studies: [{ studyId: 'ST-1', studyDate: '2026-11-02', modality: 'CR', description: 'Rx de tórax', hasReport: false }] }));
  });
  afterAll(async () => {
    await t.close();
    await pacs.close();
  });

  const summary = (user: TestUser, id = patient.id) => t.app.inject({ method: 'GET', url: `/api/v1/patients/${id}/summary`, headers: user.headers });

  it('gives the doctor every section, with a broken LIS costing only its own section, and audits the view once', async () => {
    const res = await summary(doctor);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.patient_id).toBe(patient.id);
    expect(body.paciente).toMatchObject({ status: 'ok', data: { id: patient.id, numeroHistoriaClinica: patient.numeroHistoriaClinica } });
    expect(body.alergias).toEqual({ status: 'ok', data: [{ alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' }] });
    expect(body.antecedentes).toEqual({ status: 'ok', data: ['Diabetes mellitus tipo 2'] });
    expect(body.medicacionActual).toEqual({ status: 'ok', data: ['Metformina 850 mg'] });
    expect(body.atenciones.status).toBe('ok');
    expect(body.atenciones.data).toEqual([expect.objectContaining({
      id: attentionId, estado: 'ABIERTA', doctor: expect.objectContaining({ id: doctor.id }),
      diagnosticos: [expect.objectContaining({ cie_code: 'E11.9', type: 'DEFINITIVO' })],
    })]);
    expect(body.citasProximas.status).toBe('ok');
    const ids = body.citasProximas.data.map((a: { id: string }) => a.id);
    expect(ids).toContain(upcoming);
    expect(ids).not.toContain(cancelled);
    expect(body.estudiosImagen).toMatchObject({ status: 'ok', source: 'pacs:rest', data: [{ studyId: 'ST-1', description: 'Rx de tórax', hasReport: false, reportUrl: null }] });
    expect(body.resultadosLaboratorio).toMatchObject({ status: 'error', data: null, error: { code: 'LIS_UNAVAILABLE' } });
    const audit = await t.database.db.execute<{ action: string; patient_id: string; details: { secciones: Record<string, string> } }>(
      sql`SELECT action, patient_id, details FROM audit_events WHERE request_id = ${String(res.headers['x-request-id'])}`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ action: 'PATIENT_SUMMARY_VIEWED', patient_id: patient.id, details: { secciones: { estudiosImagen: 'ok', resultadosLaboratorio: 'error' } } });
  });

  it('serves the PACS section stale from its last good answer when the PACS fails', async () => {
    pacs.forPatient(patient.numeroDocumento, json({ error: 'down' }, 500));
    const body = (await summary(doctor)).json();
    expect(body.estudiosImagen).toMatchObject({ status: 'stale', data: [{ studyId: 'ST-1' }], error: { code: 'PACS_UNAVAILABLE' } });
    expect(body.paciente.status).toBe('ok');
  });

  it('is for doctors only: ASISTENTE and ADMIN get 403 (it holds diagnoses and results); unknown patient 404', async () => {
    expect((await summary(asistente)).statusCode).toBe(403);
    expect((await summary(await createUser(t, 'ADMIN'))).statusCode).toBe(403);
    const missing = await summary(doctor, '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PATIENT_NOT_FOUND');
  });

  it('marks systems without configuration as not_configured', async () => {
    const bare = await buildTestApp({ testDatabase: t.testDatabase });
    try {
      const res = await bare.app.inject({ method: 'GET', url: `/api/v1/patients/${patient.id}/summary`, headers: doctor.headers });
      expect(res.json().estudiosImagen).toMatchObject({ status: 'not_configured', data: null, error: { code: 'PACS_NOT_CONFIGURED' } });
      expect(res.json().resultadosLaboratorio.status).toBe('not_configured');
      expect(res.json().atenciones.status).toBe('ok');
    } finally {
      await bare.close();
    }
  });
});
