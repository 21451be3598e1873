import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention, medicationId } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { api } from './helpers.js';

interface Entry {
  accion: string;
  tipo: string;
  resultado: string;
  campos: string[] | null;
  usuario: { id: string; nombreCompleto: string | null; rol: string | null } | null;
  fecha: string;
  id: number;
}

describe('patient data rights: access log and complete export', () => {
  let t: TestApp;
  let admin: TestUser;
  let doctor: TestUser;
  let asistente: TestUser;
  let http: ReturnType<typeof api>;
  let patient: { id: string; numeroDocumento: string; numeroHistoriaClinica: string };
  let attentionId: string;
  let deletedDiagnosisId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    http = api(t);
    admin = await createUser(t, 'ADMIN', { nombres: 'Inés', apellidoPaterno: 'Castro' });
    doctor = await createUser(t, 'MEDICO', { nombres: 'Jorge', apellidoPaterno: 'Sánchez', apellidoMaterno: 'Ruiz' });
    asistente = await createUser(t, 'ASISTENTE', { nombres: 'Rocío', apellidoPaterno: 'Alvarado', apellidoMaterno: 'Paz' });
    patient = await createPatient(t, asistente, { nombres: 'Noemí', apellidoPaterno: 'Ñañez' });
    await http.ok('PUT', `/api/v1/patients/${patient.id}`, asistente, { telefonoMovil: '911222333' });
    await http.ok('GET', `/api/v1/patients/${patient.id}`, doctor);
    await http.ok('GET', `/api/v1/patients?search=${encodeURIComponent('Ñañez')}`, asistente);
    const appt = await createAppointment(t, asistente, { patient_id: patient.id, doctor_id: doctor.id, service_type_id: await serviceTypeId(t, asistente), fecha: dayFromToday(1), hora: '08:00' });
    attentionId = (await createAttention(t, doctor, { patient_id: patient.id, appointment_id: appt.id })).id;
    deletedDiagnosisId = (await http.ok('POST', `/api/v1/medical_attentions/${attentionId}/diagnoses`, doctor, { cie_code: 'J45.9', type: 'PRESUNTIVO' })).id;
    await http.ok('POST', `/api/v1/medical_attentions/${attentionId}/diagnoses`, doctor, { cie_code: 'J06.9', type: 'DEFINITIVO' });
    expect((await http.call('DELETE', `/api/v1/diagnoses/${deletedDiagnosisId}?motivo=${encodeURIComponent('Registrado por error')}`, doctor)).statusCode).toBe(204);
    await http.ok('POST', `/api/v1/medical_attentions/${attentionId}/prescriptions`, doctor, {
      medicamento_id: await medicationId(t, doctor, 'paracetamol'), dosis: '500 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '3 días', cantidad: 9,
    });
    await http.ok('PUT', `/api/v1/medical_attentions/${attentionId}/finalize`, doctor);
  });
  afterAll(async () => t.close());

  const log = async (query = '') => http.ok('GET', `/api/v1/patients/${patient.id}/access-log${query}`, admin) as Promise<{ data: Entry[]; total: number; limit: number; offset: number }>;

  it('tells who read or changed the record and when, newest first', async () => {
    const res = await log('?limit=100');
    const actions = res.data.map((e) => e.accion);
    expect(actions).toEqual(expect.arrayContaining(['PATIENT_CREATED', 'PATIENT_UPDATED', 'PATIENT_VIEWED', 'PATIENT_SEARCH', 'APPOINTMENT_CREATED',
      'ATTENTION_CREATED', 'DIAGNOSIS_ADDED', 'DIAGNOSIS_DELETED', 'PRESCRIPTION_ADDED', 'ATTENTION_FINALIZED']));
    const times = res.data.map((e) => Date.parse(e.fecha));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(res.data.at(-1)!.accion).toBe('PATIENT_CREATED');
    expect(res.data.find((e) => e.accion === 'PATIENT_UPDATED')).toMatchObject({
      tipo: 'CAMBIO', resultado: 'SUCCESS', campos: ['telefonoMovil'], usuario: { id: asistente.id, nombreCompleto: 'Rocío Alvarado Paz', rol: 'ASISTENTE' },
    });
    expect(res.data.find((e) => e.accion === 'PATIENT_VIEWED')).toMatchObject({ tipo: 'LECTURA', usuario: { id: doctor.id, nombreCompleto: 'Jorge Sánchez Ruiz', rol: 'MEDICO' } });
    // A search that listed the patient counts as a read of their data.
    expect(res.data.find((e) => e.accion === 'PATIENT_SEARCH')).toMatchObject({ tipo: 'LECTURA', usuario: { id: asistente.id } });
    // Nothing else's: no document number or clinical detail is returned.
    expect(JSON.stringify(res)).not.toContain(patient.numeroDocumento);

    const page = await log('?limit=2&offset=1');
    expect(page).toMatchObject({ limit: 2, offset: 1, total: res.total + 1 });
    expect(page.data).toHaveLength(2);
    // The previous look at the log is itself in the log now.
    expect((await log('?limit=1')).data[0]).toMatchObject({ accion: 'PATIENT_ACCESS_LOG_VIEWED', tipo: 'LECTURA', usuario: { id: admin.id } });
  });

  it('is ADMIN only, and 404 for an unknown patient', async () => {
    for (const user of [doctor, asistente]) {
      expect((await http.call('GET', `/api/v1/patients/${patient.id}/access-log`, user)).statusCode).toBe(403);
      expect((await http.call('GET', `/api/v1/patients/${patient.id}/export`, user)).statusCode).toBe(403);
    }
    expect((await http.call('GET', '/api/v1/patients/6f1c1d3e-1111-4222-8333-444455556666/access-log', admin)).statusCode).toBe(404);
    expect((await http.call('GET', `/api/v1/patients/${patient.id}/access-log?limit=500`, admin)).json().errors[0].path).toBe('limit');
  });

  it('exports the complete record as JSON, deleted items marked, and audits the export', async () => {
    const res = await http.call('GET', `/api/v1/patients/${patient.id}/export`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="historia_${patient.numeroHistoriaClinica}.json"`);
    const body = res.json();
    expect(body).toMatchObject({ formato: 'HCE-EXPORT-1', generadoPor: { id: admin.id, rol: 'ADMIN' } });
    expect(body.paciente).toMatchObject({ id: patient.id, numeroDocumento: patient.numeroDocumento, nombres: 'Noemí', apellidoPaterno: 'Ñañez', telefonoMovil: '911222333' });
    expect(body.citas).toHaveLength(1);
    expect(body.citas[0]).toMatchObject({ estado: 'ATENDIDA', doctor: { id: doctor.id } });
    expect(body.atenciones).toHaveLength(1);
    const [attention] = body.atenciones;
    expect(attention).toMatchObject({ id: attentionId, estado: 'FINALIZADA', sealHash: expect.any(String), doctor: { id: doctor.id } });
    expect(attention.diagnoses.map((d: { cie_code: string; deletedAt: string | null; motivoEliminacion: string | null }) => [d.cie_code, d.deletedAt !== null, d.motivoEliminacion]))
      .toEqual([['J45.9', true, 'Registrado por error'], ['J06.9', false, null]]);
    expect(attention.prescriptions[0]).toMatchObject({ medicamento: { dci: expect.stringMatching(/Paracetamol/i) }, cantidad: 9 });
    expect(body.auditoria.totalEventos).toBeGreaterThan(10);
    expect(body.auditoria.cambios).toBeGreaterThan(5);
    expect(body.auditoria.porAccion).toContainEqual(expect.objectContaining({ accion: 'DIAGNOSIS_DELETED', eventos: 1 }));

    const audit = (await http.ok('GET', `/api/v1/audit?patient_id=${patient.id}&action=PATIENT_EXPORTED`, admin)).data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, details: { citas: 1, atenciones: 1 } });
    expect(JSON.stringify(audit[0].details)).not.toContain(patient.numeroDocumento);
    expect((await log('?limit=100')).data.map((e) => e.accion)).toContain('PATIENT_EXPORTED');
  });

  it('keeps the history of a duplicate merged into the patient', async () => {
    const duplicate = await createPatient(t, asistente, { nombres: 'Noemi', apellidoPaterno: 'Ñañez' });
    await http.ok('GET', `/api/v1/patients/${duplicate.id}`, doctor);
    await http.ok('POST', `/api/v1/patients/${duplicate.id}/merge`, admin, { into: patient.id });
    const entries = (await log('?limit=100')).data;
    expect(entries.filter((e) => e.accion === 'PATIENT_CREATED')).toHaveLength(2);
    expect(entries.filter((e) => e.accion === 'PATIENT_MERGED')).toHaveLength(2);
    expect((await http.call('GET', `/api/v1/patients/${duplicate.id}/access-log`, admin)).json().code).toBe('PATIENT_MERGED');
  });
});
