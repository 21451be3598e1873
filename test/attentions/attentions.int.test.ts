import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention, medicationId } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('clinical record', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let colleague: TestUser;
  let admin: TestUser;
  let patientId: string;
  let consulta: string;
  let queries: string[] = [];
  let slot = 0;

  beforeAll(async () => {
    const testDatabase = await createTestDatabase({ onQuery: (q) => queries.push(q) });
    t = await buildTestApp({ testDatabase });
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { nombres: 'Carlos', apellidoPaterno: 'Ramos', apellidoMaterno: 'Seminario', cmp: '054321' });
    colleague = await createUser(t, 'MEDICO');
    admin = await createUser(t, 'ADMIN');
    patientId = (await createPatient(t, asistente, {
      alergias: [{ alergia: 'Penicilina', reaccion: 'Anafilaxia', severidad: 'GRAVE' }, { alergia: 'Sulfas', severidad: 'LEVE' }],
      medicacionActual: ['Enalapril 10 mg cada 12 horas'],
    })).id;
    consulta = await serviceTypeId(t, asistente);
  });
  afterAll(async () => t.close());

  const appointment = async (doctorId = doctor.id, patient = patientId) => {
    slot += 1;
    return createAppointment(t, asistente, { patient_id: patient, doctor_id: doctorId, service_type_id: consulta, fecha: dayFromToday(1), hora: `${String(7 + Math.floor(slot / 3)).padStart(2, '0')}:${String((slot % 3) * 20).padStart(2, '0')}` });
  };
  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const appointmentEstado = async (id: string) => (await req('GET', `/api/v1/appointments/${id}`, asistente)).json().estado;

  it('opens an attention from an appointment, moving it to EN_CONSULTA', async () => {
    const appt = await appointment();
    const res = await req('POST', '/api/v1/medical_attentions', doctor, {
      patient_id: patientId, appointment_id: appt.id, fechaAtencion: `${dayFromToday(1)}T09:00:00-05:00`, tipoAtencion: 'CONSULTA',
      motivoConsulta: 'Tos y fiebre de 3 días', anamnesis: 'Refiere tos productiva.', antecedentes: { hta: true }, examenFisico: 'MV pasa bien.',
      tiempoEnfermedad: '3 días', formaInicio: 'Insidioso', curso: 'Progresivo', funcionesBiologicas: { apetito: 'Disminuido', sueno: 'Conservado' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ estado: 'ABIERTA', doctor_id: doctor.id, appointment_id: appt.id, antecedentes: { hta: true } });
    expect(res.json().attention_id).toBe(res.json().id);
    expect(await appointmentEstado(appt.id)).toBe('EN_CONSULTA');
    const again = await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, appointment_id: appt.id, tipoAtencion: 'CONSULTA' });
    expect(again.statusCode).toBe(409);
  });

  it('enforces the authenticated doctor, the appointment links and the roles', async () => {
    const appt = await appointment();
    const otherDoctorBody = await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, appointment_id: appt.id, doctor_id: colleague.id, tipoAtencion: 'CONSULTA' });
    expect(otherDoctorBody.statusCode).toBe(403);
    const notTheirs = await req('POST', '/api/v1/medical_attentions', colleague, { patient_id: patientId, appointment_id: appt.id, tipoAtencion: 'CONSULTA' });
    expect(notTheirs.json().code).toBe('APPOINTMENT_OTHER_DOCTOR');
    const otherPatient = (await createPatient(t, asistente)).id;
    const wrongPatient = await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: otherPatient, appointment_id: appt.id, tipoAtencion: 'CONSULTA' });
    expect(wrongPatient.statusCode).toBe(422);
    const noAppointment = await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, tipoAtencion: 'CONSULTA' });
    expect(noAppointment.json().errors[0].path).toBe('appointment_id');
    expect((await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA', motivoConsulta: 'Trauma' })).statusCode).toBe(201);
    expect((await req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, tipoAtencion: 'CONTROL', motivoSinCita: 'Control adicional solicitado por el paciente' })).statusCode).toBe(201);
    for (const user of [asistente, admin]) {
      expect((await req('POST', '/api/v1/medical_attentions', user, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' })).statusCode).toBe(403);
    }
  });

  it('computes BMI with its WHO category and refuses implausible vitals', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const url = `/api/v1/medical_attentions/${att.id}/vitals`;
    const bad = await req('POST', url, doctor, { pa_sistolica: 80, pa_diastolica: 90, temp: 48, satO2: 101, talla: 175 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['pa_diastolica', 'satO2', 'talla', 'temp']);
    const ok = await req('POST', url, doctor, { pa_sistolica: 120, pa_diastolica: 80, fc: 78, fr: 16, temp: 37.8, satO2: 97, peso: 70, talla: 1.75 });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ imc: 22.86, imcCategoria: 'NORMAL', imcPediatrico: false, temp: 37.8 });
    const replaced = await req('POST', url, doctor, { peso: 95, talla: 1.7 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ imc: 32.87, imcCategoria: 'OBESIDAD_I', pa_sistolica: null });
    expect((await req('POST', url, colleague, { peso: 60, talla: 1.6 })).statusCode).toBe(403);
  });

  it('gives children a BMI without an adult category', async () => {
    const child = (await createPatient(t, asistente, { fechaNacimiento: '2018-03-03', estadoCivil: undefined, apoderado: { nombre: 'Lucía Paz', tipoDocumento: 'DNI', numeroDocumento: '44556677', parentesco: 'Madre' } })).id;
    const att = await createAttention(t, doctor, { patient_id: child, tipoAtencion: 'EMERGENCIA' });
    const res = await req('POST', `/api/v1/medical_attentions/${att.id}/vitals`, doctor, { peso: 25, talla: 1.2 });
    expect(res.json()).toMatchObject({ imc: 17.36, imcCategoria: null, imcPediatrico: true });
  });

  it('accepts CIE-10 codes in any form, refuses unknown ones and requires symptom onset for notifiable diseases', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const url = `/api/v1/medical_attentions/${att.id}/diagnoses`;
    const ok = await req('POST', url, doctor, { cie_code: 'j069', type: 'PRESUNTIVO' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ cie_code: 'J06.9', type: 'PRESUNTIVO', description: expect.stringMatching(/respiratorias superiores/i) });
    expect((await req('POST', url, doctor, { cie_code: 'J06.9', type: 'DEFINITIVO' })).statusCode).toBe(409);
    expect((await req('POST', url, doctor, { cie_code: 'A00.5', type: 'DEFINITIVO' })).json().errors[0].path).toBe('cie_code');
    expect((await req('POST', url, doctor, { cie_code: 'J06.9', type: 'PROBABLE' })).statusCode).toBe(400);
    const dengue = await req('POST', url, doctor, { cie_code: 'A97.0', type: 'PRESUNTIVO' });
    expect(dengue.json().errors[0].path).toBe('fechaInicioSintomas');
    const withOnset = await req('POST', url, doctor, { cie_code: 'A970', type: 'PRESUNTIVO', fechaInicioSintomas: dayFromToday(-2) });
    expect(withOnset.statusCode).toBe(201);
    expect(withOnset.json()).toMatchObject({ cie_code: 'A97.0', description: 'Dengue sin signos de alarma', notificable: 'INMEDIATA' });
  });

  it('checks prescriptions against allergies: direct/class, cross-reactivity and duplicates, with an audited override for GRAVE', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const url = `/api/v1/medical_attentions/${att.id}/prescriptions`;
    const base = { dosis: '500 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '7 días', cantidad: 21, indicaciones: 'Después de las comidas' };
    const amoxicilina = await medicationId(t, doctor, 'amoxicilina', (m) => m.dci === 'Amoxicilina');
    const blocked = await req('POST', url, doctor, { ...base, medicamento_id: amoxicilina });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({ code: 'SEVERE_ALLERGY_ALERT', alertas: [expect.objectContaining({ tipo: 'ALERGIA', severidad: 'GRAVE', alergia: 'Penicilina' })] });
    const confirmed = await req('POST', url, doctor, { ...base, medicamento_id: amoxicilina, confirmarAlerta: true, motivo: 'Desensibilización documentada por alergología' });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ alertaConfirmada: true, medicamento: { dci: 'Amoxicilina', codigoAtc: 'J01CA04' } });
    const cefalexina = await medicationId(t, doctor, 'cefalexina');
    const cross = await req('POST', url, doctor, { ...base, medicamento_id: cefalexina });
    expect(cross.statusCode).toBe(201);
    expect(cross.json().alertas).toEqual([expect.objectContaining({ tipo: 'REACTIVIDAD_CRUZADA', alergia: 'Penicilina' })]);
    const cotrimoxazol = await medicationId(t, doctor, 'sulfametoxazol');
    expect((await req('POST', url, doctor, { ...base, medicamento_id: cotrimoxazol })).json().alertas[0]).toMatchObject({ tipo: 'ALERGIA', severidad: 'LEVE', alergia: 'Sulfas' });
    const enalapril = await medicationId(t, doctor, 'enalapril');
    expect((await req('POST', url, doctor, { ...base, medicamento_id: enalapril })).json().alertas[0]).toMatchObject({ tipo: 'DUPLICIDAD' });
    const paracetamol = await medicationId(t, doctor, 'paracetamol');
    expect((await req('POST', url, doctor, { ...base, medicamento_id: paracetamol })).json().alertas).toEqual([]);
    expect((await req('POST', url, doctor, { ...base, medicamento_id: '00000000-0000-4000-8000-000000000000' })).json().errors[0].path).toBe('medicamento_id');
    const audit = await t.database.db.execute(sql`SELECT action, entity_id, details FROM audit_events WHERE action IN ('PRESCRIPTION_ALERT_OVERRIDE','PRESCRIPTION_BLOCKED') AND patient_id = ${patientId} ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['PRESCRIPTION_BLOCKED', 'PRESCRIPTION_ALERT_OVERRIDE']);
    expect(audit.rows[1]).toMatchObject({ entity_id: confirmed.json().id, details: { motivo: 'Desensibilización documentada por alergología' } });
    const added = await t.database.db.execute(sql`SELECT entity_id FROM audit_events WHERE action = 'PRESCRIPTION_ADDED' AND entity_id = ${confirmed.json().id}`);
    expect(added.rows).toHaveLength(1);
  });

  it('links orders to the procedure catalog', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const url = `/api/v1/medical_attentions/${att.id}/orders`;
    const ok = await req('POST', url, doctor, { tipo: 'LABORATORIO', detalle: 'Hemograma completo', procedure_code: '85025', indicaciones: 'En ayunas' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ procedure_code: '85025', numeroOrden: expect.stringMatching(/^ORD-\d{7}$/) });
    expect((await req('POST', url, doctor, { tipo: 'IMAGEN', detalle: 'x', procedure_code: '85025' })).json().errors[0].path).toBe('tipo');
    expect((await req('POST', url, doctor, { tipo: 'IMAGEN', detalle: 'x', procedure_code: '00000' })).json().errors[0].path).toBe('procedure_code');
    expect((await req('POST', url, doctor, { tipo: 'INTERCONSULTA', detalle: 'Interconsulta a cardiología' })).statusCode).toBe(201);
  });

  it('finalizes only a complete record, seals and locks it, and accepts chained addenda', async () => {
    const appt = await appointment();
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: appt.id, motivoConsulta: null });
    const base = `/api/v1/medical_attentions/${att.id}`;
    const incomplete = await req('PUT', `${base}/finalize`, doctor);
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['diagnoses', 'motivoConsulta']);
    await req('PUT', base, doctor, { motivoConsulta: 'Dolor faríngeo' });
    await req('POST', `${base}/diagnoses`, doctor, { cie_code: 'J02.9', type: 'DESCARTADO' });
    expect((await req('PUT', `${base}/finalize`, doctor)).json().errors.map((e: { path: string }) => e.path)).toEqual(['diagnoses']);
    await req('POST', `${base}/diagnoses`, doctor, { cie_code: 'J03.9', type: 'DEFINITIVO' });
    await req('POST', `${base}/vitals`, doctor, { temp: 38.2 });
    await req('POST', `${base}/evolutions`, colleague, { notas: 'Paciente estable antes del alta.' });
    expect((await req('PUT', `${base}/finalize`, colleague)).statusCode).toBe(403);
    const done = await req('PUT', `${base}/finalize`, doctor);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ estado: 'FINALIZADA', firmante: { doctor_id: doctor.id, nombreCompleto: 'Carlos Ramos Seminario', cmp: '054321' }, sealHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await appointmentEstado(appt.id)).toBe('ATENDIDA');

    for (const [method, url, body] of [
      ['PUT', base, { anamnesis: 'cambio' }], ['POST', `${base}/vitals`, { temp: 36.5 }], ['POST', `${base}/diagnoses`, { cie_code: 'J06.9', type: 'PRESUNTIVO' }],
      ['POST', `${base}/orders`, { tipo: 'LABORATORIO', detalle: 'x' }], ['PUT', `${base}/finalize`, undefined],
    ] as const) {
      const res = await req(method, url, doctor, body);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(res.json().code).toBe('ATTENTION_FINALIZED');
    }
    const dxId = (await req('GET', base, doctor)).json().diagnoses[0].id;
    expect((await req('DELETE', `/api/v1/diagnoses/${dxId}`, doctor)).statusCode).toBe(409);

    const addendum = await req('POST', `${base}/evolutions`, colleague, { notas: 'Resultado de cultivo: negativo.' });
    expect(addendum.statusCode).toBe(201);
    expect(addendum.json()).toMatchObject({ adenda: true, prevHash: done.json().sealHash, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const second = await req('POST', `${base}/evolutions`, doctor, { notas: 'Control telefónico: asintomático.' });
    expect(second.json().prevHash).toBe(addendum.json().hash);
    const verify = await req('GET', `${base}/verify`, colleague);
    expect(verify.json()).toMatchObject({ valid: true, sealValid: true, addendaValid: true, addenda: [{ kind: 'evolution' }, { kind: 'evolution' }] });

    // A superuser editing the sealed record directly is detected.
    await t.database.db.execute(sql`ALTER TABLE medical_attentions DISABLE TRIGGER medical_attentions_lock`);
    await t.database.db.execute(sql`UPDATE medical_attentions SET motivo_consulta = 'Alterado' WHERE id = ${att.id}`);
    await t.database.db.execute(sql`ALTER TABLE medical_attentions ENABLE TRIGGER medical_attentions_lock`);
    const tampered = await req('GET', `${base}/verify`, doctor);
    expect(tampered.json()).toMatchObject({ valid: false, sealValid: false });
    await t.database.db.execute(sql`ALTER TABLE evolutions DISABLE TRIGGER evolutions_lock`);
    await t.database.db.execute(sql`UPDATE evolutions SET notas = 'Resultado de cultivo: positivo.' WHERE id = ${addendum.json().id}`);
    await t.database.db.execute(sql`ALTER TABLE evolutions ENABLE TRIGGER evolutions_lock`);
    expect((await req('GET', `${base}/verify`, doctor)).json()).toMatchObject({ addendaValid: false, brokenAt: { kind: 'evolution', id: addendum.json().id, seq: 1 } });
  });

  it('soft-deletes items of an open attention, hidden unless asked for, and never removes rows', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const base = `/api/v1/medical_attentions/${att.id}`;
    const dx = (await req('POST', `${base}/diagnoses`, doctor, { cie_code: 'R50.9', type: 'PRESUNTIVO' })).json();
    expect((await req('DELETE', `/api/v1/diagnoses/${dx.id}?motivo=Error%20de%20registro`, colleague)).statusCode).toBe(403);
    expect((await req('DELETE', `/api/v1/diagnoses/${dx.id}?motivo=Error%20de%20registro`, doctor)).statusCode).toBe(204);
    expect((await req('DELETE', `/api/v1/diagnoses/${dx.id}`, doctor)).statusCode).toBe(409);
    expect((await req('GET', base, doctor)).json().diagnoses).toEqual([]);
    const all = (await req('GET', `${base}?incluirEliminados=true`, doctor)).json().diagnoses;
    expect(all[0]).toMatchObject({ id: dx.id, deletedBy: doctor.id, motivoEliminacion: 'Error de registro' });
    await expect(t.database.db.execute(sql`DELETE FROM attention_diagnoses WHERE id = ${dx.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM medical_attentions WHERE id = ${att.id}`)).rejects.toThrow();
  });

  it('returns the whole attention in a bounded number of queries, audited, and the patient history newest first', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, appointment_id: (await appointment()).id });
    const base = `/api/v1/medical_attentions/${att.id}`;
    await req('POST', `${base}/vitals`, doctor, { peso: 70, talla: 1.7 });
    for (const code of ['J06.9', 'R05', 'R50.9']) await req('POST', `${base}/diagnoses`, doctor, { cie_code: code, type: 'PRESUNTIVO' });
    for (let i = 0; i < 3; i++) await req('POST', `${base}/evolutions`, i % 2 ? doctor : colleague, { notas: `Nota ${i}` });
    queries = [];
    const detail = await req('GET', base, colleague);
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['vitals', 'diagnoses', 'prescriptions', 'orders', 'attachments', 'evolutions', 'doctor', 'patient']));
    expect(body.diagnoses).toHaveLength(3);
    expect(body.evolutions).toHaveLength(3);
    expect(body.evolutions[0].autor.nombreCompleto).not.toBe('');
    expect(body.doctor).toMatchObject({ nombreCompleto: 'Carlos Ramos Seminario', cmp: '054321' });
    // The attention with its items in one statement next to its attachments, then authors and patient.
    expect(queries.filter((q) => /^select/i.test(q.trim())).length).toBe(4);
    expect(body.vitals).toMatchObject({ peso: 70, talla: 1.7, imc: 24.22, imcCategoria: expect.any(String) });
    expect(body.diagnoses.map((d: { cie_code: string }) => d.cie_code)).toEqual(['J06.9', 'R05', 'R50.9']);
    expect(body.evolutions.map((e: { notas: string }) => e.notas)).toEqual(['Nota 0', 'Nota 1', 'Nota 2']);
    expect(body.evolutions.map((e: { autor: { id: string } }) => e.autor.id)).toEqual([colleague.id, doctor.id, colleague.id]);
    expect((await req('GET', base, asistente)).statusCode).toBe(403);
    expect((await req('GET', base, admin)).statusCode).toBe(403);
    const history = await req('GET', `/api/v1/patients/${patientId}/medical_attentions?limit=50`, doctor);
    const dates = history.json().data.map((a: { fechaAtencion: string }) => a.fechaAtencion);
    expect([...dates].sort().reverse()).toEqual(dates);
    const item = history.json().data.find((a: { id: string }) => a.id === att.id);
    expect(item.diagnosticosPrincipales.map((d: { cie_code: string }) => d.cie_code)).toEqual(['J06.9', 'R05', 'R50.9']);
    const viewed = await t.database.db.execute(sql`SELECT actor_id, patient_id FROM audit_events WHERE action = 'ATTENTION_VIEWED' AND entity_id = ${att.id}`);
    expect(viewed.rows).toContainEqual({ actor_id: colleague.id, patient_id: patientId });
  });
});
