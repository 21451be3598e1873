import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { serviceTypeId } from '../factories/appointments.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { api, visit } from './helpers.js';

/**
 * A hand-built month: three patients seen in May 2026 (one also in 2025 and one again in June),
 * so every count below can be worked out by hand.
 */
describe('SUSALUD production and morbidity, SETI-IPRESS files, HIS register and RENHICE queue', () => {
  let t: TestApp;
  let admin: TestUser;
  let drA: TestUser;
  let drB: TestUser;
  let asistente: TestUser;
  let http: ReturnType<typeof api>;
  const p: Record<string, { id: string; numeroDocumento: string; numeroHistoriaClinica: string }> = {};
  const v: Record<string, Awaited<ReturnType<typeof visit>>> = {};

  beforeAll(async () => {
    t = await buildTestApp({ env: { APPOINTMENT_MAX_PAST_DAYS: '3650', IPRESS_CODE: '00012345', CLINIC_NAME: 'Clínica San Miguel Arcángel' } });
    http = api(t);
    admin = await createUser(t, 'ADMIN');
    asistente = await createUser(t, 'ASISTENTE');
    drA = await createUser(t, 'MEDICO', { nombres: 'Carlos', apellidoPaterno: 'Ramos', cmp: '051111', especialidad: 'Medicina General' });
    drB = await createUser(t, 'MEDICO', { nombres: 'Elena', apellidoPaterno: 'Quiroga', cmp: '052222', especialidad: 'Medicina Interna' });
    const apoderado = { nombre: 'Marta Ñique', tipoDocumento: 'DNI', numeroDocumento: '44556677', parentesco: 'Madre' };
    p.martin = await createPatient(t, asistente, { nombres: 'Martín', apellidoPaterno: 'Peña', sexo: 'M', fechaNacimiento: '1990-01-01' });
    p.valeria = await createPatient(t, asistente, { nombres: 'Valeria', apellidoPaterno: 'Ñique', sexo: 'F', fechaNacimiento: '2015-06-01', estadoCivil: undefined, apoderado });
    p.gladys = await createPatient(t, asistente, { nombres: 'Gladys', apellidoPaterno: 'Chávez', sexo: 'F', fechaNacimiento: '1950-03-03' });
    p.diego = await createPatient(t, asistente, { nombres: 'Diego', apellidoPaterno: 'Zapata', sexo: 'M', fechaNacimiento: '2010-02-02', estadoCivil: undefined, apoderado });
    const [mg, ped, car] = [await serviceTypeId(t, asistente, 'CONS-MG'), await serviceTypeId(t, asistente, 'CONS-PED'), await serviceTypeId(t, asistente, 'CONS-CAR')];
    const base = { asistente };
    v.martin2025 = await visit(t, { ...base, doctor: drA, patientId: p.martin.id, fecha: '2025-11-10', serviceTypeId: mg, diagnoses: [{ cie_code: 'J02.9', type: 'DEFINITIVO' }] });
    v.martinMay4 = await visit(t, { ...base, doctor: drA, patientId: p.martin.id, fecha: '2026-05-04', hora: '09:00', serviceTypeId: mg, infoPago: 'SEGURO',
      seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS' }, diagnoses: [{ cie_code: 'J06.9', type: 'DEFINITIVO' }] });
    v.valeriaMay4 = await visit(t, { ...base, doctor: drA, patientId: p.valeria.id, fecha: '2026-05-04', hora: '10:00', serviceTypeId: ped, infoPago: 'PENDIENTE',
      diagnoses: [{ cie_code: 'J06.9', type: 'PRESUNTIVO' }] });
    v.gladysEmergency = await visit(t, { ...base, doctor: drB, patientId: p.gladys.id, fecha: '2026-05-04', hora: '11:00', diagnoses: [{ cie_code: 'I10', type: 'DEFINITIVO' }] });
    v.martinMay18 = await visit(t, { ...base, doctor: drA, patientId: p.martin.id, fecha: '2026-05-18', serviceTypeId: mg, diagnoses: [{ cie_code: 'J06.9', type: 'DEFINITIVO' }],
      orders: [{ tipo: 'LABORATORIO', detalle: 'Ácido úrico sérico', procedure_code: '84550' }] });
    v.gladysMay20 = await visit(t, { ...base, doctor: drB, patientId: p.gladys.id, fecha: '2026-05-20', serviceTypeId: car, diagnoses: [{ cie_code: 'I10', type: 'DEFINITIVO' }] });
    v.diegoJune = await visit(t, { ...base, doctor: drA, patientId: p.diego.id, fecha: '2026-06-02', serviceTypeId: mg, diagnoses: [{ cie_code: 'J06.9', type: 'PRESUNTIVO' }] });
  });
  afterAll(async () => t.close());

  const may = 'desde=2026-05-01&hasta=2026-05-31';

  it('counts May attentions by service/specialty, sex and life stage, telling atendidos from reatenciones', async () => {
    const res = await http.ok('GET', `/api/v1/reports/susalud/produccion?${may}`, admin);
    expect(res.totales).toEqual({ atenciones: 5, atendidos: 3, reatenciones: 2, pacientes: 3, nuevos: 2, continuadores: 2, reingresantes: 1 });
    expect(res.data).toEqual([
      { mes: '2026-05', servicioCodigo: 'CONS-CAR', servicio: 'Consulta de cardiología', especialidad: 'Cardiología', sexo: 'F', grupoEdad: 'ADULTO_MAYOR', atenciones: 1, atendidos: 0, reatenciones: 1, pacientes: 1 },
      { mes: '2026-05', servicioCodigo: 'CONS-MG', servicio: 'Consulta de medicina general', especialidad: 'Medicina General', sexo: 'M', grupoEdad: 'ADULTO', atenciones: 2, atendidos: 1, reatenciones: 1, pacientes: 1 },
      { mes: '2026-05', servicioCodigo: 'EMERGENCIA', servicio: 'Emergencia sin cita', especialidad: 'Medicina Interna', sexo: 'F', grupoEdad: 'ADULTO_MAYOR', atenciones: 1, atendidos: 1, reatenciones: 0, pacientes: 1 },
      { mes: '2026-05', servicioCodigo: 'CONS-PED', servicio: 'Consulta de pediatría', especialidad: 'Pediatría', sexo: 'F', grupoEdad: 'NINO', atenciones: 1, atendidos: 1, reatenciones: 0, pacientes: 1 },
    ]);
    const twoMonths = await http.ok('GET', '/api/v1/reports/susalud/produccion?desde=2026-05-01&hasta=2026-06-30', admin);
    expect(twoMonths.totales).toMatchObject({ atenciones: 6, atendidos: 4, pacientes: 4 });
    expect(twoMonths.data.at(-1)).toMatchObject({ mes: '2026-06', grupoEdad: 'ADOLESCENTE', sexo: 'M', atenciones: 1, atendidos: 1 });

    const csv = await http.call('GET', `/api/v1/reports/susalud/produccion?${may}&formato=csv`, admin);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('mes,servicio_codigo,servicio,especialidad,sexo,grupo_edad,atenciones,atendidos,reatenciones,pacientes');
    expect(lines[2]).toBe('2026-05,CONS-MG,Consulta de medicina general,Medicina General,M,ADULTO,2,1,1,1');
  });

  it('ranks the most frequent diagnoses with their split by sex and life stage', async () => {
    const res = await http.ok('GET', `/api/v1/reports/susalud/morbilidad?${may}`, admin);
    expect(res).toMatchObject({ totalDiagnosticos: 5, codigosDistintos: 2 });
    expect(res.data).toEqual([
      { rank: 1, cie_code: 'J06.9', descripcion: expect.stringMatching(/respiratorias superiores/), total: 3, porSexo: { M: 2, F: 1, OTRO: 0 },
        porGrupoEdad: { NINO: 1, ADOLESCENTE: 0, JOVEN: 0, ADULTO: 2, ADULTO_MAYOR: 0 } },
      { rank: 2, cie_code: 'I10', descripcion: expect.stringMatching(/Hipertensión/), total: 2, porSexo: { M: 0, F: 2, OTRO: 0 },
        porGrupoEdad: { NINO: 0, ADOLESCENTE: 0, JOVEN: 0, ADULTO: 0, ADULTO_MAYOR: 2 } },
    ]);
    expect((await http.ok('GET', `/api/v1/reports/susalud/morbilidad?${may}&top=1`, admin)).data.map((d: { cie_code: string }) => d.cie_code)).toEqual(['J06.9']);
    const csv = await http.call('GET', `/api/v1/reports/susalud/morbilidad?${may}&formato=csv`, admin);
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[2]).toMatch(/^2,I10,Hipertensión.*,2,0,2,0,0,0,0,0,2$/);
  });

  it('writes the SETI-IPRESS outpatient tables as pipe-delimited Windows-1252 files named after the IPRESS and month', async () => {
    const get = (tabla: string) => http.call('GET', `/api/v1/reports/susalud/seti?anio=2026&mes=05&tabla=${tabla}`, admin);
    const b1 = await get('B1');
    expect(b1.statusCode).toBe(200);
    expect(b1.headers['content-type']).toBe('text/plain; charset=windows-1252');
    expect(b1.headers['content-disposition']).toBe('attachment; filename="00012345_2026_05_TBB1.TXT"');
    expect(new TextDecoder('windows-1252').decode(b1.rawPayload)).toBe([
      '202605|00012345|00012345|301601|01|2|1|1|3|4',
      '202605|00012345|00012345|301601|04|1|1|1|3|3',
      '202605|00012345|00012345|301601|04|1|0|1|3|4',
      '202605|00012345|00012345|301601|05|2|0|1|3|4',
      '',
    ].join('\n'));
    expect(new TextDecoder('windows-1252').decode((await get('D1')).rawPayload)).toBe('202605|00012345|00012345|301602|05|2|1|1|3|9\n');
    const d2 = await get('D2');
    expect(d2.headers['content-disposition']).toContain('00012345_2026_05_TDD2.TXT');
    expect(d2.body).toBe('202605|00012345|00012345|301602|05|2|I10|D|1|3|9\n');
    expect((await get('G')).body).toBe('202605|00012345|00012345|302301|04|1|1|1|3|4\n');
    const hospital = await get('C1');
    expect(hospital.statusCode).toBe(400);
    expect(hospital.json().errors[0].message).toMatch(/hospitalización/);
    expect((await http.call('GET', '/api/v1/reports/susalud/seti?anio=2026&mes=5&tabla=B1', admin)).json().errors[0].path).toBe('mes');
    const audit = (await http.ok('GET', '/api/v1/audit?action=REPORT_GENERATED&limit=100', admin)).data as { details: Record<string, unknown> }[];
    expect(audit.some((a) => a.details.archivo === '00012345_2026_05_TBB1.TXT' && a.details.lineas === 4)).toBe(true);
  });

  it('refuses an IPRESS code that is not 8 digits at start-up', () => {
    expect(() => testConfig({ IPRESS_CODE: '12345' })).toThrow(/IPRESS_CODE/);
  });

  it('gives the daily HIS register of a doctor with N/C/R status, financiador and P/D/R diagnoses', async () => {
    const day = await http.ok('GET', `/api/v1/reports/his?fecha=2026-05-04&doctor_id=${drA.id}`, admin);
    expect(day).toMatchObject({ fecha: '2026-05-04', total: 2, establecimiento: { nombre: 'Clínica San Miguel Arcángel', codigoIpress: '00012345' }, doctor: { id: drA.id, cmp: '051111' } });
    expect(day.data[0]).toMatchObject({
      numero: 1, hora: '09:00', attention_id: v.martinMay4!.id, tipoDocumento: 'DNI', numeroDocumento: p.martin!.numeroDocumento,
      numeroHistoriaClinica: p.martin!.numeroHistoriaClinica, edad: 36, tipoEdad: 'A', sexo: 'M', ubigeo: '200104', distrito: 'Castilla',
      financiador: 'EPS', estadoEstablecimiento: 'R', estadoServicio: 'R', diagnosticos: [{ cie_code: 'J06.9', tipoHis: 'D' }], procedimientos: [],
    });
    expect(day.data[1]).toMatchObject({ hora: '10:00', edad: 10, sexo: 'F', financiador: 'PAGANTE', estadoEstablecimiento: 'N', estadoServicio: 'N', diagnosticos: [{ cie_code: 'J06.9', tipoHis: 'P' }] });

    const repeat = await http.ok('GET', `/api/v1/reports/his?fecha=2026-05-18&doctor_id=${drA.id}`, admin);
    expect(repeat.data).toHaveLength(1);
    expect(repeat.data[0]).toMatchObject({ estadoEstablecimiento: 'C', estadoServicio: 'C', financiador: 'PAGANTE', diagnosticos: [{ cie_code: 'J06.9', tipoHis: 'R' }],
      procedimientos: [{ tipo: 'LABORATORIO', codigo: '84550' }] });
    const cardio = await http.ok('GET', `/api/v1/reports/his?fecha=2026-05-20&doctor_id=${drB.id}`, admin);
    expect(cardio.data[0]).toMatchObject({ estadoEstablecimiento: 'C', estadoServicio: 'N', diagnosticos: [{ cie_code: 'I10', tipoHis: 'R' }] });
    const emergency = await http.ok('GET', `/api/v1/reports/his?fecha=2026-05-04&doctor_id=${drB.id}`, admin);
    expect(emergency.data[0]).toMatchObject({ tipoAtencion: 'EMERGENCIA', financiador: 'NO_REGISTRADO', estadoEstablecimiento: 'N', diagnosticos: [{ cie_code: 'I10', tipoHis: 'D' }] });

    const csv = await http.call('GET', `/api/v1/reports/his?fecha=2026-05-18&doctor_id=${drA.id}&formato=csv`, admin);
    const [header, row] = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toContain('establecimiento,servicio,diagnostico_1,tipo_1');
    expect(row).toContain(`${p.martin!.numeroDocumento},${p.martin!.numeroHistoriaClinica},36,A,M,200104,Castilla,PAGANTE,C,C,J06.9,R`);
    expect(row!.endsWith(',84550')).toBe(true);
    expect((await http.call('GET', `/api/v1/reports/his?fecha=2026-05-04&doctor_id=${admin.id}`, admin)).json().errors[0].path).toBe('doctor_id');
    expect((await http.call('GET', `/api/v1/reports/his?fecha=2026-05-04&doctor_id=${drA.id}`, drA)).statusCode).toBe(403);
    const audit = (await http.ok('GET', '/api/v1/audit?action=REPORT_GENERATED&limit=100', admin)).data as { details: { reporte: string; patientIds?: string[] } }[];
    expect(audit.find((a) => a.details.reporte === 'his')!.details.patientIds).toEqual(expect.arrayContaining([p.martin!.id]));
  });

  it('queues every finalized attention for RENHICE, due 24 hours after closing, and flags the overdue', async () => {
    const all = await http.ok('GET', '/api/v1/reports/renhice?limit=100', admin);
    expect(all.total).toBe(7);
    const row = all.data.find((r: { attention_id: string }) => r.attention_id === v.martinMay4!.id);
    expect(row).toMatchObject({ estado: 'PENDIENTE', intentos: 0, patient_id: p.martin!.id, vencido: false, finalizedAt: v.martinMay4!.finalizedAt });
    expect(Date.parse(row.dueAt) - Date.parse(v.martinMay4!.finalizedAt!)).toBe(24 * 3_600_000);
    expect(all.resumen).toEqual({ porEnviar: 7, vencidos: 0 });
    // A day goes by without the connector sending it.
    await t.database.db.execute(sql`UPDATE renhice_exports SET due_at = now() - interval '1 minute' WHERE attention_id = ${v.martinMay4!.id}::uuid`);
    const overdue = await http.ok('GET', '/api/v1/reports/renhice?vencidos=true', admin);
    expect(overdue.data.map((r: { attention_id: string; vencido: boolean }) => [r.attention_id, r.vencido])).toEqual([[v.martinMay4!.id, true]]);
    expect(overdue.resumen).toEqual({ porEnviar: 7, vencidos: 1 });
    expect((await http.ok('GET', '/api/v1/reports/renhice?estado=ENVIADO', admin)).total).toBe(0);
    const queued = (await http.ok('GET', `/api/v1/audit?patient_id=${p.martin!.id}&action=RENHICE_EXPORT_QUEUED`, admin)).data;
    expect(queued).toHaveLength(3);
    expect((await http.call('GET', '/api/v1/reports/renhice', drA)).statusCode).toBe(403);
  });
});
