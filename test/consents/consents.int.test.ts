import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInLima } from '../../src/shared/time.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { pdf, upload } from '../attachments/helpers.js';

describe('data-processing consent and informed consent', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let colleague: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await buildTestApp({ env: { REQUIRE_DATA_CONSENT: 'true' } });
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    colleague = await createUser(t, 'MEDICO');
    admin = await createUser(t, 'ADMIN');
  });
  afterAll(async () => t.close());

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const open = (patientId: string) => req('POST', '/api/v1/medical_attentions', doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA', motivoConsulta: 'Dolor abdominal' });
  const grant = (patientId: string, body: object = {}) => req('POST', `/api/v1/patients/${patientId}/consentimiento-datos`, asistente, { otorgado: true, canal: 'PRESENCIAL', ...body });

  it('blocks clinical data until consent is granted, and again once it is revoked; the history is kept', async () => {
    const patient = await createPatient(t, asistente);
    const url = `/api/v1/patients/${patient.id}/consentimiento-datos`;
    const blocked = await open(patient.id);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({ code: 'DATA_CONSENT_REQUIRED', errors: [{ path: 'patient_id' }] });
    expect(blocked.json().detail).toMatch(/Ley 29733/);

    const granted = await grant(patient.id, { fecha: todayInLima(), observaciones: 'Formato firmado en admisión' });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({ otorgado: true, canal: 'PRESENCIAL', vigente: true, registradoPor: asistente.id, consent_id: granted.json().id });
    const att = await open(patient.id);
    expect(att.statusCode).toBe(201);
    expect((await req('POST', `/api/v1/medical_attentions/${att.json().id}/vitals`, doctor, { peso: 70, talla: 1.7 })).statusCode).toBe(201);

    const revoked = await req('DELETE', `${url}?motivo=${encodeURIComponent('Solicitud escrita del titular')}`, asistente);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: granted.json().id, vigente: false, revocadoPor: asistente.id, motivoRevocacion: 'Solicitud escrita del titular' });
    expect((await req('POST', `/api/v1/medical_attentions/${att.json().id}/vitals`, doctor, { peso: 71, talla: 1.7 })).json().code).toBe('DATA_CONSENT_REQUIRED');
    expect((await open(patient.id)).statusCode).toBe(422);
    expect((await req('DELETE', url, asistente)).json().code).toBe('NO_ACTIVE_DATA_CONSENT');

    const refused = await req('POST', url, doctor, { otorgado: false, canal: 'DIGITAL' });
    expect(refused.statusCode).toBe(201);
    expect((await open(patient.id)).statusCode).toBe(422);
    const regranted = await grant(patient.id);
    expect((await open(patient.id)).statusCode).toBe(201);

    const state = await req('GET', url, asistente);
    expect(state.json()).toMatchObject({ consentimientoVigente: true, requeridoParaDatosClinicos: true, vigente: { id: regranted.json().id } });
    expect(state.json().historial.map((h: { otorgado: boolean; vigente: boolean; motivoRevocacion: string | null }) => [h.otorgado, h.vigente, h.motivoRevocacion])).toEqual([
      [true, true, null], [false, false, 'Reemplazado por una nueva declaración'], [true, false, 'Solicitud escrita del titular'],
    ]);
    const audit = await t.database.db.execute(sql`SELECT action FROM audit_events WHERE patient_id = ${patient.id} AND action LIKE 'DATA_CONSENT_%' AND action <> 'DATA_CONSENT_VIEWED' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['DATA_CONSENT_GRANTED', 'DATA_CONSENT_REVOKED', 'DATA_CONSENT_REFUSED', 'DATA_CONSENT_GRANTED']);
    const exported = await req('GET', `/api/v1/patients/${patient.id}/export`, admin);
    expect(exported.json().secciones.consentimientos.tratamientoDatos.map((h: { otorgado: boolean }) => h.otorgado)).toEqual([true, false, true]);
    await expect(t.database.db.execute(sql`DELETE FROM patient_data_consents WHERE patient_id = ${patient.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`UPDATE patient_data_consents SET canal = 'DIGITAL' WHERE patient_id = ${patient.id}`)).rejects.toThrow();
  });

  it('validates the declaration and who may record it', async () => {
    const patient = await createPatient(t, asistente);
    const url = `/api/v1/patients/${patient.id}/consentimiento-datos`;
    const bad = await req('POST', url, asistente, { otorgado: 'si', canal: 'FAX', fecha: '2099-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['canal', 'otorgado']);
    expect((await req('POST', url, asistente, { otorgado: true, canal: 'OTRO' })).json().errors[0].path).toBe('observaciones');
    expect((await req('POST', url, asistente, { otorgado: true, canal: 'DIGITAL', fecha: '2099-01-01' })).json().errors[0].path).toBe('fecha');
    expect((await req('POST', url, admin, { otorgado: true, canal: 'DIGITAL' })).statusCode).toBe(403);
    expect((await req('GET', url, admin)).statusCode).toBe(403);
    expect((await req('POST', '/api/v1/patients/00000000-0000-4000-8000-000000000000/consentimiento-datos', asistente, { otorgado: true, canal: 'DIGITAL' })).statusCode).toBe(404);
  });

  it('records informed consent: the apoderado signs for a minor, after finalization too, with the signed form attached', async () => {
    const child = await createPatient(t, asistente, {
      fechaNacimiento: '2016-06-01', estadoCivil: undefined, apoderado: { nombre: 'Lucía Paz Ruiz', tipoDocumento: 'DNI', numeroDocumento: '44556677', parentesco: 'Madre' },
    });
    expect((await grant(child.id)).statusCode).toBe(201);
    const att = await createAttention(t, doctor, { patient_id: child.id, tipoAtencion: 'EMERGENCIA' });
    const url = `/api/v1/medical_attentions/${att.id}/consents`;
    const body = { tipo: 'PROCEDIMIENTO', procedimiento: 'Sutura de herida en cuero cabelludo', nombreFirmante: 'Lucía Paz Ruiz', fecha: todayInLima() };
    const byChild = await req('POST', url, doctor, { ...body, firmadoPor: 'PACIENTE' });
    expect(byChild.statusCode).toBe(422);
    expect(byChild.json()).toMatchObject({ code: 'MINOR_REQUIRES_APODERADO', errors: [{ path: 'firmadoPor' }] });
    expect((await req('POST', url, doctor, { ...body, firmadoPor: 'APODERADO' })).json().errors[0].path).toBe('parentesco');
    const ok = await req('POST', url, doctor, { ...body, firmadoPor: 'APODERADO', parentesco: 'Madre' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ firmadoPor: 'APODERADO', posteriorAlCierre: false, attachment_id: null, adjuntoVerificado: false, patient_id: child.id });

    expect((await req('POST', `/api/v1/medical_attentions/${att.id}/diagnoses`, doctor, { cie_code: 'S01.0', type: 'DEFINITIVO' })).statusCode).toBe(201);
    expect((await req('PUT', `/api/v1/medical_attentions/${att.id}/finalize`, doctor)).statusCode).toBe(200);
    const form = await upload(t, colleague, att.id, [{ name: 'file', filename: 'consentimiento.pdf', contentType: 'application/pdf', data: pdf(4096) }, { name: 'description', value: 'Consentimiento firmado' }]);
    expect(form.statusCode).toBe(201);
    const later = await req('POST', url, colleague, { ...body, tipo: 'TRATAMIENTO', firmadoPor: 'APODERADO', parentesco: 'Madre', attachment_id: form.json().id });
    expect(later.statusCode).toBe(201);
    expect(later.json()).toMatchObject({ posteriorAlCierre: true, attachment_id: form.json().id, adjuntoVerificado: true, createdBy: colleague.id });

    const stranger = await createAttention(t, doctor, { patient_id: child.id, tipoAtencion: 'EMERGENCIA' });
    const misplaced = await req('POST', `/api/v1/medical_attentions/${stranger.id}/consents`, doctor, { ...body, firmadoPor: 'APODERADO', parentesco: 'Madre', attachment_id: form.json().id });
    expect(misplaced.json().errors[0].path).toBe('attachment_id');
    expect((await req('POST', url, doctor, { ...body, firmadoPor: 'TUTOR', fecha: '2099-01-01' })).statusCode).toBe(400);
    expect((await req('POST', url, asistente, { ...body, firmadoPor: 'APODERADO', parentesco: 'Madre' })).statusCode).toBe(403);

    const list = await req('GET', url, colleague);
    expect(list.json().data.map((c: { tipo: string }) => c.tipo)).toEqual(['PROCEDIMIENTO', 'TRATAMIENTO']);
    const audit = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'INFORMED_CONSENT_RECORDED' AND patient_id = ${child.id}`);
    expect(audit.rows[0]!.n).toBe(2);
  });

  it('moves consents with a merged duplicate, keeping the survivor’s declaration as the current one', async () => {
    const survivor = await createPatient(t, asistente);
    const duplicate = await createPatient(t, asistente);
    const kept = (await grant(survivor.id)).json().id;
    const dropped = (await grant(duplicate.id, { canal: 'DIGITAL' })).json().id;
    const merged = await req('POST', `/api/v1/patients/${duplicate.id}/merge`, admin, { into: survivor.id });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().moved).toMatchObject({ patientDataConsents: 1 });
    const state = (await req('GET', `/api/v1/patients/${survivor.id}/consentimiento-datos`, asistente)).json();
    expect(state.vigente.id).toBe(kept);
    expect(state.historial.find((h: { id: string }) => h.id === dropped)).toMatchObject({ vigente: false, motivoRevocacion: expect.stringMatching(/^Fusión de pacientes/) });
  });

  it.runIf(testDbKind() === 'postgres')('leaves exactly one current declaration when several are recorded at once', async () => {
    const patient = await createPatient(t, asistente);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => grant(patient.id, { canal: i % 2 ? 'DIGITAL' : 'PRESENCIAL' })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201).length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const rows = await t.database.db.execute(sql`SELECT count(*) FILTER (WHERE revocado_en IS NULL)::int AS current, count(*)::int AS total FROM patient_data_consents WHERE patient_id = ${patient.id}`);
    expect(rows.rows[0]).toEqual({ current: 1, total: codes.filter((c) => c === 201).length });
  });

  it('lets an adult sign for themselves', async () => {
    const adult = await createPatient(t, asistente);
    await grant(adult.id);
    const att = await createAttention(t, doctor, { patient_id: adult.id, tipoAtencion: 'EMERGENCIA' });
    const res = await req('POST', `/api/v1/medical_attentions/${att.id}/consents`, doctor, {
      tipo: 'EXAMEN_AUXILIAR', procedimiento: 'Prueba de esfuerzo', firmadoPor: 'PACIENTE', nombreFirmante: 'José Luis Núñez Chávez', fecha: todayInLima(),
    });
    expect(res.statusCode).toBe(201);
  });
});
