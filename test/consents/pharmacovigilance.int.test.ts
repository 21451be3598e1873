import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageInYears, todayInLima } from '../../src/shared/time.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAttention, medicationId } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('adverse drug reaction (RAM) notifications', () => {
  let t: TestApp;
  let doctor: TestUser;
  let colleague: TestUser;
  let admin: TestUser;
  let asistente: TestUser;
  let patient: Awaited<ReturnType<typeof createPatient>>;
  let attentionId: string;
  let prescriptionId: string;

  beforeAll(async () => {
    t = await buildTestApp({ env: { CLINIC_NAME: 'Clínica San Miguel de Piura' } });
    asistente = await createUser(t, 'ASISTENTE');
    admin = await createUser(t, 'ADMIN');
    doctor = await createUser(t, 'MEDICO');
    colleague = await createUser(t, 'MEDICO', { nombres: 'Rosa', apellidoPaterno: 'Chávez', apellidoMaterno: 'León', cmp: '067890' });
    patient = await createPatient(t, asistente);
    attentionId = (await createAttention(t, doctor, { patient_id: patient.id, tipoAtencion: 'EMERGENCIA' })).id;
    const ibuprofeno = await medicationId(t, doctor, 'ibuprofeno', (m) => m.concentracion === '400 mg');
    const rx = await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/prescriptions`, headers: doctor.headers, payload: { medicamento_id: ibuprofeno, dosis: '400 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '3 días', cantidad: 9 } });
    prescriptionId = rx.json().id;
  });
  afterAll(async () => t.close());

  const notify = (user: TestUser, payload: object, id = attentionId) => t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${id}/ram`, headers: user.headers, payload });
  const today = todayInLima();

  it('records a reaction to a drug prescribed in the attention, or to any catalog medicine, by any doctor', async () => {
    const first = await notify(colleague, { prescription_id: prescriptionId, reaccion: 'Urticaria generalizada y prurito', severidad: 'MODERADA', fechaInicio: today, desenlace: 'EN_RECUPERACION', observaciones: 'Se suspendió el fármaco' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      ram_id: first.json().id, prescription_id: prescriptionId, notificadoPor: colleague.id, patient_id: patient.id,
      medicamento: { dci: 'Ibuprofeno', codigoAtc: 'M01AE01', concentracion: '400 mg', dosis: '400 mg', via: 'Oral', frecuencia: 'Cada 8 horas' },
    });
    const metamizol = await medicationId(t, doctor, 'metamizol');
    const second = await notify(doctor, { medicamento_id: metamizol, reaccion: 'Hipotensión y shock anafiláctico', severidad: 'GRAVE', fechaInicio: today, fechaFin: today, desenlace: 'RECUPERADO' });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ prescription_id: null, medicamento: { dci: 'Metamizol', dosis: null } });
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/medical_attentions/${attentionId}/ram`, headers: doctor.headers });
    expect(list.json().data.map((r: { severidad: string }) => r.severidad)).toEqual(['MODERADA', 'GRAVE']);
    const audit = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'ADVERSE_REACTION_NOTIFIED' AND patient_id = ${patient.id}`);
    expect(audit.rows[0]!.n).toBe(2);
  });

  it('refuses incomplete or inconsistent notifications, naming the field', async () => {
    const both = await notify(doctor, { reaccion: 'x', severidad: 'LEVE', fechaInicio: today, desenlace: 'RECUPERADO' });
    expect(both.json().errors[0].path).toBe('medicamento_id');
    const dead = await notify(doctor, { prescription_id: prescriptionId, reaccion: 'Paro cardiorrespiratorio', severidad: 'MODERADA', fechaInicio: today, desenlace: 'MORTAL' });
    expect(dead.json().errors[0].path).toBe('severidad');
    const dates = await notify(doctor, { prescription_id: prescriptionId, reaccion: 'Rash', severidad: 'LEVE', fechaInicio: today, fechaFin: '2020-01-01', desenlace: 'RECUPERADO' });
    expect(dates.json().errors[0].path).toBe('fechaFin');
    const enums = await notify(doctor, { prescription_id: prescriptionId, reaccion: 'Rash', severidad: 'MORTAL', fechaInicio: today, desenlace: 'CURADO' });
    expect(enums.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['desenlace', 'severidad']);
    const other = (await createAttention(t, doctor, { patient_id: patient.id, tipoAtencion: 'EMERGENCIA' })).id;
    expect((await notify(doctor, { prescription_id: prescriptionId, reaccion: 'Rash', severidad: 'LEVE', fechaInicio: today, desenlace: 'RECUPERADO' }, other)).json().errors[0].path).toBe('prescription_id');
    expect((await notify(asistente, { prescription_id: prescriptionId, reaccion: 'Rash', severidad: 'LEVE', fechaInicio: today, desenlace: 'RECUPERADO' })).statusCode).toBe(403);
    await expect(t.database.db.execute(sql`UPDATE adverse_drug_reactions SET severidad = 'LEVE'`)).rejects.toThrow();
  });

  it('lists the period’s notifications for DIGEMID with the patient by initials, as JSON and CSV', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/reports/farmacovigilancia?desde=${today}&hasta=${today}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ total: 2, porSeveridad: { LEVE: 0, MODERADA: 1, GRAVE: 1 }, establecimiento: 'Clínica San Miguel de Piura' });
    expect(report.data[0]).toMatchObject({
      fechaNotificacion: today, paciente: { iniciales: 'J.L.N.C.', edad: ageInYears('1985-04-12', today), sexo: 'M', numeroHistoriaClinica: patient.numeroHistoriaClinica },
      medicamento: { dci: 'Ibuprofeno' }, severidad: 'MODERADA', notificador: { nombreCompleto: 'Rosa Chávez León', cmp: '067890' },
    });
    expect(res.body).not.toContain(patient.numeroDocumento);
    expect(res.body).not.toContain('José Luis');
    const csv = await t.app.inject({ method: 'GET', url: `/api/v1/reports/farmacovigilancia?desde=${today}&hasta=${today}&formato=csv`, headers: admin.headers });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^fecha_notificacion,iniciales,edad,sexo/);
    expect(lines[2]).toContain('Metamizol');
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/reports/farmacovigilancia?desde=2020-01-01&hasta=2020-01-31', headers: admin.headers });
    expect(empty.json().total).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/reports/farmacovigilancia', headers: admin.headers })).json().errors.map((e: { path: string }) => e.path)).toEqual(['desde', 'hasta']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/reports/farmacovigilancia?desde=${today}&hasta=${today}`, headers: doctor.headers })).statusCode).toBe(403);
    const included = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'REPORT_PATIENT_INCLUDED' AND patient_id = ${patient.id}`);
    expect(included.rows[0]!.n).toBe(2);
  });
});
