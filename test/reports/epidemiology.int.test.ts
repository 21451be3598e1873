import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { api, visit } from './helpers.js';

interface Case {
  id: string;
  estado: string;
  semana: string;
  urgente: boolean;
  tipoDiagnostico: string;
  periodicidad: string;
  plazoNotificacion: string;
  createdAt: string;
  paciente: { id: string; numeroDocumento: string | null; nombreCompleto: string };
  [k: string]: unknown;
}

describe('epidemiological surveillance', () => {
  let t: TestApp;
  let admin: TestUser;
  let doctor: TestUser;
  let asistente: TestUser;
  let http: ReturnType<typeof api>;
  let lucia: { id: string; numeroDocumento: string };
  let pedro: { id: string };

  beforeAll(async () => {
    t = await buildTestApp();
    http = api(t);
    admin = await createUser(t, 'ADMIN');
    doctor = await createUser(t, 'MEDICO', { nombres: 'Rosa', apellidoPaterno: 'Seminario', cmp: '071234' });
    asistente = await createUser(t, 'ASISTENTE');
    lucia = await createPatient(t, asistente, { nombres: 'Lucía', apellidoPaterno: 'Peña', apellidoMaterno: 'Ñique', sexo: 'F', fechaNacimiento: '1992-07-15', distrito: 'Veintiséis de Octubre' });
    pedro = await createPatient(t, asistente, { nombres: 'Pedro', apellidoPaterno: 'Chunga', sexo: 'M', fechaNacimiento: '1970-01-20' });
  });
  afterAll(async () => t.close());

  const week = async (semana: string, extra = '') => (await http.ok('GET', `/api/v1/reports/epidemiologia?semana=${semana}${extra}`, admin)) as { data: Case[]; desde: string; hasta: string };
  const auditOf = async (patientId: string, action: string) =>
    (await http.ok('GET', `/api/v1/audit?patient_id=${patientId}&action=${action}`, admin)).data as { details: Record<string, unknown>; actorId: string }[];

  it('opens a case in the same transaction as a notifiable diagnosis, filed under the onset week across the year boundary', async () => {
    // Symptoms on Tuesday 2025-12-30: CDC/MINSA week 53 of 2025 (week 1 of 2026 starts on Sunday 2026-01-04).
    const v = await visit(t, { doctor, patientId: lucia.id, fecha: '2026-01-02', diagnoses: [
      { cie_code: 'A97.0', type: 'PRESUNTIVO', fechaInicioSintomas: '2025-12-30' },
      { cie_code: 'J06.9', type: 'PRESUNTIVO' },
    ] });
    const w53 = await week('2025-53');
    expect(w53).toMatchObject({ desde: '2025-12-28', hasta: '2026-01-03' });
    expect(w53.data).toHaveLength(1);
    expect(w53.data[0]).toMatchObject({
      estado: 'PENDIENTE', periodicidad: 'INMEDIATA', urgente: true, semana: '2025-53', semanaAnio: 2025, semanaNumero: 53,
      cie_code: 'A97.0', tipoDiagnostico: 'PRESUNTIVO', fechaInicioSintomas: '2025-12-30', fechaDiagnostico: '2026-01-02',
      enfermedad: { codigo: 'DENGUE_SIN_SIGNOS' }, attention_id: v.id, diagnosis_id: v.diagnoses[0].id,
      paciente: { id: lucia.id, numeroDocumento: lucia.numeroDocumento, nombreCompleto: 'Lucía Peña Ñique', sexo: 'F', edad: 33 },
      ubigeo: '200115', distrito: 'Veintiséis de Octubre', provincia: 'Piura', departamento: 'Piura', doctor: { id: doctor.id, cmp: '071234' }, diagnosticoEliminado: false,
    });
    // 24 hours to notify an immediate disease.
    const c = w53.data[0]!;
    expect(Date.parse(c.plazoNotificacion) - Date.parse(c.createdAt)).toBe(24 * 3_600_000);
    expect((await week('2026-01')).data).toHaveLength(0);
    const byRange = await http.ok('GET', '/api/v1/reports/epidemiologia?desde=2025-12-01&hasta=2025-12-31', admin);
    expect(byRange.data.map((d: Case) => d.id)).toEqual([c.id]);
    const opened = await auditOf(lucia.id, 'EPI_CASE_OPENED');
    expect(opened[0]!.details).toMatchObject({ enfermedad: 'DENGUE_SIN_SIGNOS', semana: '2025-53', periodicidad: 'INMEDIATA' });
  });

  it('flags immediate cases at once and lists weekly ones with their Monday deadline', async () => {
    await visit(t, { doctor, patientId: pedro.id, fecha: '2026-01-08', diagnoses: [{ cie_code: 'A23.9', type: 'DEFINITIVO', fechaInicioSintomas: '2026-01-05' }] });
    const res = await http.ok('GET', '/api/v1/reports/epidemiologia/pendientes', admin);
    expect(res.inmediatas.map((d: Case) => [d.paciente.id, d.urgente])).toEqual([[lucia.id, true]]);
    expect(res.semanales).toHaveLength(1);
    expect(res.semanales[0]).toMatchObject({ periodicidad: 'SEMANAL', urgente: false, semana: '2026-01', enfermedad: { codigo: 'BRUCELOSIS' } });
    // Week 2026-01 ends Saturday 2026-01-10; weekly cases are due by Monday 2026-01-12 (end of day, Lima), long past.
    expect(res.semanales[0].plazoNotificacion).toBe('2026-01-13T04:59:59.000Z');
    expect(res.semanales[0].vencida).toBe(true);
    expect(res.vencidas).toBe(1);
  });

  it('reclassifies a case confirmed in a later attention instead of counting it twice', async () => {
    await visit(t, { doctor, patientId: lucia.id, fecha: '2026-01-05', diagnoses: [{ cie_code: 'A970', type: 'DEFINITIVO', fechaInicioSintomas: '2025-12-30' }] });
    const cases = (await week('2025-53')).data;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ tipoDiagnostico: 'DEFINITIVO', estado: 'PENDIENTE' });
    expect((cases[0]!.historial as { evento: string }[]).map((h) => h.evento)).toEqual(['CREADA', 'RECLASIFICADA']);
  });

  it('records the NotiWeb notification with who and when, once', async () => {
    const [c] = (await week('2025-53')).data;
    const res = await http.call('POST', `/api/v1/reports/epidemiologia/${c!.id}/notificar`, admin, { codigoNotiweb: 'NW-2026-000123', observacion: 'Notificado a la DIRESA Piura' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ estado: 'NOTIFICADA', notificadaPor: admin.id, codigoNotiweb: 'NW-2026-000123', urgente: false });
    expect(Date.now() - Date.parse(res.json().notificadaAt)).toBeLessThan(60_000);
    const again = await http.call('POST', `/api/v1/reports/epidemiologia/${c!.id}/notificar`, admin, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('EPI_ALREADY_NOTIFIED');
    const future = await http.call('POST', `/api/v1/reports/epidemiologia/${c!.id}/notificar`, admin, { fechaNotificacion: '2099-01-01T10:00:00-05:00' });
    expect(future.statusCode).toBe(400);
    expect((await http.call('POST', `/api/v1/reports/epidemiologia/${pedro.id}/notificar`, admin, {})).statusCode).toBe(404);
    expect((await http.call('POST', `/api/v1/reports/epidemiologia/${c!.id}/notificar`, doctor, {})).statusCode).toBe(403);
    const audit = await auditOf(lucia.id, 'EPI_CASE_NOTIFIED');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, details: { enfermedad: 'DENGUE_SIN_SIGNOS', codigoNotiweb: 'NW-2026-000123' } });
    const pending = await http.ok('GET', '/api/v1/reports/epidemiologia/pendientes', admin);
    expect(pending.inmediatas).toHaveLength(0);
  });

  it('marks a case DESCARTADA when a later diagnosis discards it, never deleting it', async () => {
    const ana = await createPatient(t, asistente, { nombres: 'Ana', apellidoPaterno: 'Ramos', sexo: 'F', fechaNacimiento: '2000-02-02' });
    await visit(t, { doctor, patientId: ana.id, fecha: '2026-02-02', diagnoses: [{ cie_code: 'A97.0', type: 'PRESUNTIVO', fechaInicioSintomas: '2026-02-01' }] });
    await visit(t, { doctor, patientId: ana.id, fecha: '2026-02-06', diagnoses: [
      { cie_code: 'A97.0', type: 'DESCARTADO', fechaInicioSintomas: '2026-02-01' }, { cie_code: 'B34.9', type: 'DEFINITIVO' },
    ] });
    const cases = (await week('2026-05')).data;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ estado: 'DESCARTADA', paciente: { id: ana.id }, urgente: false });
    expect(cases[0]!.descartadaAt).toEqual(expect.any(String));
    expect((await week('2026-05', '&estado=PENDIENTE')).data).toHaveLength(0);
    const pending = await http.ok('GET', '/api/v1/reports/epidemiologia/pendientes', admin);
    expect(pending.inmediatas).toHaveLength(0);
    const refused = await http.call('POST', `/api/v1/reports/epidemiologia/${cases[0]!.id}/notificar`, admin, {});
    expect(refused.json().code).toBe('EPI_CASE_DISCARDED');
  });

  it('exports the week as CSV with the patient data NotiWeb asks for', async () => {
    const res = await http.call('GET', '/api/v1/reports/epidemiologia?semana=2025-53&formato=csv', admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="epidemiologia_2025-53.csv"');
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^semana,fecha_inicio_sintomas,fecha_diagnostico,enfermedad,cie_code/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('2025-53,2025-12-30,2026-01-02');
    expect(lines[1]).toContain('Lucía Peña Ñique');
    expect(lines[1]).toContain(lucia.numeroDocumento);
  });

  it('validates the period and keeps the reports to ADMIN', async () => {
    for (const [query, path] of [['semana=2026-53', 'semana'], ['semana=2026-5', 'semana'], ['desde=2026-02-01', 'hasta'], ['desde=2026-03-01&hasta=2026-02-01', 'hasta'], ['semana=2026-05&desde=2026-01-01', 'semana']]) {
      const res = await http.call('GET', `/api/v1/reports/epidemiologia?${query}`, admin);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
    for (const user of [doctor, asistente]) {
      expect((await http.call('GET', '/api/v1/reports/epidemiologia?semana=2026-05', user)).statusCode).toBe(403);
      expect((await http.call('GET', '/api/v1/reports/epidemiologia/pendientes', user)).statusCode).toBe(403);
    }
    const reads = (await http.ok('GET', '/api/v1/audit?action=REPORT_GENERATED&limit=100', admin)).data as { details: { reporte: string; patientIds?: string[] } }[];
    expect(reads.some((r) => r.details.reporte === 'epidemiologia' && r.details.patientIds?.includes(lucia.id))).toBe(true);
  });

  it('lets ADMIN maintain the notifiable-diseases catalog, audited, without clashes', async () => {
    const url = '/api/v1/reports/epidemiologia/enfermedades';
    const list = await http.ok('GET', url, admin);
    expect(list.data.find((d: { codigo: string }) => d.codigo === 'DENGUE_SIN_SIGNOS')).toMatchObject({ cieCodigos: ['A97.0'], periodicidad: 'INMEDIATA' });
    const bad = await http.call('POST', url, admin, { codigo: 'ESQUISTOSOMIASIS', nombre: 'Esquistosomiasis', cieCodigos: ['B65', 'Z99.99'], periodicidad: 'SEMANAL' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('cieCodigos.1');
    const taken = await http.call('POST', url, admin, { codigo: 'DENGUE_BIS', nombre: 'Dengue', cieCodigos: ['a970'], periodicidad: 'INMEDIATA' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('NOTIFIABLE_CODE_TAKEN');
    const created = await http.call('POST', url, admin, { codigo: 'esquistosomiasis', nombre: 'Esquistosomiasis', cieCodigos: ['b65'], periodicidad: 'SEMANAL', fuente: 'DIRESA Piura' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ codigo: 'ESQUISTOSOMIASIS', cieCodigos: ['B65'], activo: true, verificado: false });
    expect((await http.call('POST', url, admin, { codigo: 'ESQUISTOSOMIASIS', nombre: 'Otra', cieCodigos: ['B66'], periodicidad: 'SEMANAL' })).statusCode).toBe(409);
    expect((await http.call('POST', url, doctor, { codigo: 'X_Y', nombre: 'X', cieCodigos: ['B66'], periodicidad: 'SEMANAL' })).statusCode).toBe(403);

    // The new rule applies to the next diagnosis at once.
    await visit(t, { doctor, patientId: pedro.id, fecha: '2026-02-03', diagnoses: [{ cie_code: 'B65.9', type: 'PRESUNTIVO', fechaInicioSintomas: '2026-02-02' }] });
    expect((await week('2026-05')).data.map((d) => d.enfermedad)).toContainEqual(expect.objectContaining({ codigo: 'ESQUISTOSOMIASIS' }));

    const retired = await http.call('PUT', `${url}/${created.json().id}`, admin, { activo: false, verificado: true });
    expect(retired.json()).toMatchObject({ activo: false, verificado: true });
    expect((await http.ok('GET', url, admin)).data.map((d: { codigo: string }) => d.codigo)).not.toContain('ESQUISTOSOMIASIS');
    expect((await http.ok('GET', `${url}?incluirInactivas=true`, admin)).data.map((d: { codigo: string }) => d.codigo)).toContain('ESQUISTOSOMIASIS');
    // Retired: a new patient's diagnosis no longer opens a case.
    const otro = await createPatient(t, asistente, { nombres: 'Julio', apellidoPaterno: 'Zapata', sexo: 'M', fechaNacimiento: '1988-08-08' });
    await visit(t, { doctor, patientId: otro.id, fecha: '2026-02-04', diagnoses: [{ cie_code: 'B65.0', type: 'PRESUNTIVO', fechaInicioSintomas: '2026-02-02' }] });
    expect((await week('2026-05')).data.filter((d) => (d.enfermedad as { codigo: string }).codigo === 'ESQUISTOSOMIASIS')).toHaveLength(1);
    const audit = (await http.ok('GET', '/api/v1/audit?action=NOTIFIABLE_DISEASE_UPDATED', admin)).data;
    expect(audit[0].details).toMatchObject({ codigo: 'ESQUISTOSOMIASIS', changes: { activo: { old: true, new: false } } });
  });

  it('creates nothing for diagnoses that are not notifiable', async () => {
    const before = (await week('2026-06')).data.length;
    await visit(t, { doctor, patientId: pedro.id, fecha: '2026-02-09', diagnoses: [{ cie_code: 'J06.9', type: 'DEFINITIVO', fechaInicioSintomas: '2026-02-08' }] });
    expect((await week('2026-06')).data).toHaveLength(before);
  });

  it.runIf(testDbKind() === 'postgres')('opens one case when two attentions record the disease at the same moment, and notifies it once', async () => {
    const rosa = await createPatient(t, asistente, { nombres: 'Rosa', apellidoPaterno: 'Yarlequé', sexo: 'F', fechaNacimiento: '1999-09-09' });
    const colleague = await createUser(t, 'MEDICO');
    const [a, b] = [
      await visit(t, { doctor, patientId: rosa.id, fecha: '2026-03-02', finalize: false }),
      await visit(t, { doctor: colleague, patientId: rosa.id, fecha: '2026-03-02', hora: '10:00', finalize: false }),
    ];
    const results = await Promise.all([[a, doctor], [b, colleague]].map(([att, user]) => http.call('POST', `/api/v1/medical_attentions/${(att as { id: string }).id}/diagnoses`,
      user as TestUser, { cie_code: 'A27.9', type: 'PRESUNTIVO', fechaInicioSintomas: '2026-02-28' })));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
    const cases = (await week('2026-08')).data.filter((d) => d.paciente.id === rosa.id);
    expect(cases).toHaveLength(1);
    // No body at all is fine: "notified now, by me".
    const notified = await Promise.all([1, 2, 3].map(() => http.call('POST', `/api/v1/reports/epidemiologia/${cases[0]!.id}/notificar`, admin)));
    expect(notified.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await auditOf(rosa.id, 'EPI_CASE_NOTIFIED')).toHaveLength(1);
  });

  it('answers 503 for SETI files while IPRESS_CODE is not configured', async () => {
    const res = await http.call('GET', '/api/v1/reports/susalud/seti?anio=2026&mes=01&tabla=B1', admin);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('IPRESS_NOT_CONFIGURED');
  });
});
