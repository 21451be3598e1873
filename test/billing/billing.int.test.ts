import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('tariff, invoice-ready services and reconciliation', () => {
  let t: TestApp;
  let asistente: TestUser;
  let admin: TestUser;
  let doctor: TestUser;
  let patient: Awaited<ReturnType<typeof createPatient>>;
  let consulta: string;
  let cardiologia: string;
  let control: string;
  const ids: Record<string, string> = {};
  const today = dayFromToday(0);

  beforeAll(async () => {
    t = await buildTestApp({ env: { APPOINTMENT_MAX_PAST_DAYS: '30' } });
    asistente = await createUser(t, 'ASISTENTE');
    admin = await createUser(t, 'ADMIN');
    doctor = await createUser(t, 'MEDICO', { nombres: 'Pedro', apellidoPaterno: 'Castro', apellidoMaterno: 'Vilela', cmp: '033445' });
    patient = await createPatient(t, asistente);
    consulta = await serviceTypeId(t, asistente, 'CONS-MG');
    cardiologia = await serviceTypeId(t, asistente, 'CONS-CAR');
    control = await serviceTypeId(t, asistente, 'CTRL');
    // Booked and attended before the tariff change: it keeps the price of its day (60.00).
    ids.B0 = await book(-5, '08:00', 'PAGADO');
    await attend(ids.B0);
  });
  afterAll(async () => t.close());

  const req = (method: 'GET' | 'POST' | 'PUT', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  async function book(day: number, hora: string, infoPago: string, extra: Record<string, unknown> = {}) {
    return (await createAppointment(t, asistente, { patient_id: patient.id, doctor_id: doctor.id, service_type_id: consulta, fecha: dayFromToday(day), hora, infoPago, ...extra })).id;
  }
  async function attend(appointmentId: string, finalize = true) {
    const att = await createAttention(t, doctor, { patient_id: patient.id, appointment_id: appointmentId });
    expect((await req('POST', `/api/v1/medical_attentions/${att.id}/diagnoses`, doctor, { cie_code: 'J06.9', type: 'DEFINITIVO' })).statusCode).toBe(201);
    if (finalize) expect((await req('PUT', `/api/v1/medical_attentions/${att.id}/finalize`, doctor)).statusCode).toBe(200);
    return att.id;
  }
  const precioOf = async (id: string) => (await req('GET', `/api/v1/appointments/${id}`, asistente)).json().precio;

  it('keeps a tariff history with validity periods; the service type shows the price in force and appointments keep their snapshot', async () => {
    const url = `/api/v1/service-types/${consulta}/prices`;
    const future = await book(2, '10:00', 'PENDIENTE');
    expect(await precioOf(future)).toBe(60);
    const first = await req('POST', url, admin, { precio: '150.00', vigenteDesde: today, codigoAfectacionIgv: '10', codigoProductoSunat: '85121800', unidadMedida: 'zz' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ precio: 150, moneda: 'PEN', estado: 'VIGENTE', vigenteHasta: null, unidadMedida: 'ZZ', descripcionAfectacionIgv: 'Gravado - Operación onerosa' });
    const types = (await req('GET', '/api/v1/service-types', asistente)).json().data;
    expect(types.find((s: { id: string }) => s.id === consulta).precio).toBe(150);
    expect(await precioOf(future)).toBe(60);
    expect(await precioOf(await book(3, '10:00', 'PENDIENTE'))).toBe(150);

    const scheduled = await req('POST', url, admin, { precio: 180, vigenteDesde: dayFromToday(10) });
    expect(scheduled.json()).toMatchObject({ estado: 'PROGRAMADO', codigoAfectacionIgv: '10', codigoProductoSunat: null });
    const list = await req('GET', url, asistente);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ precioActual: 150, vigente: { precio: 150, vigenteDesde: today, vigenteHasta: dayFromToday(9) } });
    expect(list.json().data.map((p: { precio: number; estado: string }) => [p.precio, p.estado])).toEqual([[180, 'PROGRAMADO'], [150, 'VIGENTE']]);

    expect((await req('POST', url, admin, { precio: 10, vigenteDesde: dayFromToday(-1) })).json().code).toBe('PRICE_RETROACTIVE');
    expect((await req('POST', url, admin, { precio: 10, vigenteDesde: today })).json()).toMatchObject({ code: 'PRICE_BEFORE_CURRENT', errors: [{ path: 'vigenteDesde' }] });
    expect((await req('POST', url, admin, { precio: 10, vigenteDesde: dayFromToday(10) })).json().code).toBe('PRICE_DATE_TAKEN');
    const bad = await req('POST', url, admin, { precio: -1, vigenteDesde: dayFromToday(20), codigoAfectacionIgv: '11', codigoProductoSunat: '123', moneda: 'USD' });
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['codigoAfectacionIgv', 'codigoProductoSunat', 'moneda', 'precio']);
    expect((await req('POST', url, asistente, { precio: 10, vigenteDesde: dayFromToday(20) })).statusCode).toBe(403);
    expect((await req('GET', '/api/v1/service-types/00000000-0000-4000-8000-000000000000/prices', admin)).statusCode).toBe(404);
    await expect(t.database.db.execute(sql`UPDATE service_type_prices SET precio = 1`)).rejects.toThrow();
  });

  it('applies a scheduled price when its day comes', async () => {
    // A row whose date has arrived (as a scheduled one would, days later).
    await t.database.db.execute(sql`INSERT INTO service_type_prices (service_type_id, precio, vigente_desde, codigo_afectacion_igv) VALUES (${control}, 45.50, ${today}, '10')`);
    expect(await t.app.ctx.services.prices.applyDuePrices()).toBe(1);
    expect(await t.app.ctx.services.prices.applyDuePrices()).toBe(0);
    const types = (await req('GET', '/api/v1/service-types', asistente)).json().data;
    expect(types.find((s: { id: string }) => s.id === control).precio).toBe(45.5);
    const audit = await t.database.db.execute(sql`SELECT actor_kind, details FROM audit_events WHERE action = 'SERVICE_TYPE_UPDATED' AND entity_id = ${control}`);
    expect(audit.rows).toEqual([expect.objectContaining({ actor_kind: 'system', details: expect.objectContaining({ changes: { precio: { old: 40, new: 45.5 } } }) })]);
  });

  it('lists attended services as invoice lines with IGV, and reconciles them with payments', async () => {
    // Cardiology has been exempt (catálogo 07 code 20) since long before these services.
    await t.database.db.execute(sql`INSERT INTO service_type_prices (service_type_id, precio, vigente_desde, codigo_afectacion_igv, codigo_producto_sunat) VALUES (${cardiologia}, 120, ${dayFromToday(-30)}, '20', '85121600')`);
    ids.B1 = await book(-4, '08:00', 'PAGADO');
    ids.B2 = await book(-4, '09:00', 'SEGURO', { service_type_id: cardiologia, seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS' } });
    ids.B3 = await book(-3, '08:00', 'PENDIENTE');
    ids.B4 = await book(-3, '09:00', 'ANULADO');
    ids.B5 = await book(-2, '08:00', 'PAGADO', { estado: 'CONFIRMADA' });
    ids.B6 = await book(-2, '09:00', 'PAGADO');
    ids.B7 = await book(1, '08:00', 'PAGADO', { estado: 'CONFIRMADA' });
    ids.B8 = await book(-1, '08:00', 'PENDIENTE');
    ids.B9 = await book(-1, '09:00', 'PAGADO');
    for (const k of ['B1', 'B2', 'B3', 'B4']) await attend(ids[k]!);
    await attend(ids.B9!, false);
    for (const k of ['B6', 'B8']) expect((await req('PUT', `/api/v1/appointments/${ids[k]}`, asistente, { estado: 'CANCELADA' })).statusCode).toBe(200);
    await t.database.db.execute(sql`UPDATE appointments SET id_transaccion_ventas = 'VTA-2026-000123' WHERE id = ${ids.B1}`);
    const emergency = await createAttention(t, doctor, { patient_id: patient.id, tipoAtencion: 'EMERGENCIA', motivoConsulta: 'Crisis asmática' });
    await req('POST', `/api/v1/medical_attentions/${emergency.id}/diagnoses`, doctor, { cie_code: 'J45.9', type: 'DEFINITIVO' });
    expect((await req('PUT', `/api/v1/medical_attentions/${emergency.id}/finalize`, doctor)).statusCode).toBe(200);

    const res = await req('GET', `/api/v1/billing/services?desde=${dayFromToday(-5)}&hasta=${today}`, admin);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.total).toBe(6);
    expect(report.totales).toEqual({ lineas: 6, importe: 630, valorVenta: 552.21, igv: 77.79 });
    const line = (appointmentId: string | null) => report.data.find((l: { appointment_id: string | null }) => l.appointment_id === appointmentId);
    expect(line(ids.B0!)).toMatchObject({ precio: 60, valorVenta: 50.85, igv: 9.15, codigoAfectacionIgv: '10', tarifaRegistrada: false, estadoPago: 'PAGADO' });
    expect(line(ids.B1!)).toMatchObject({
      origen: 'CITA', fecha: dayFromToday(-4), hora: '08:00', estadoPago: 'PAGADO', idTransaccionVentas: 'VTA-2026-000123', moneda: 'PEN',
      precio: 150, valorVenta: 127.12, igv: 22.88, porcentajeIgv: 18, codigoAfectacionIgv: '10', precioIncluyeIgv: true, attention_id: expect.any(String),
      paciente: { id: patient.id, nombreCompleto: 'José Luis Núñez Chávez', tipoDocumento: 'DNI', codigoTipoDocumentoSunat: '1', numeroDocumento: patient.numeroDocumento, numeroHistoriaClinica: patient.numeroHistoriaClinica },
      medico: { id: doctor.id, nombreCompleto: 'Pedro Castro Vilela', cmp: '033445' },
      servicio: { id: consulta, codigo: 'CONS-MG', codigoCpms: '99203', unidadMedida: 'ZZ', codigoProductoSunat: null },
    });
    expect(line(ids.B2!)).toMatchObject({ precio: 120, valorVenta: 120, igv: 0, codigoAfectacionIgv: '20', tarifaRegistrada: true, estadoPago: 'SEGURO', seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS' }, servicio: { codigo: 'CONS-CAR', codigoProductoSunat: '85121600' } });
    expect(line(null)).toMatchObject({ origen: 'ATENCION_SIN_CITA', attention_id: emergency.id, fecha: today, precio: null, igv: null, servicio: null });

    const paid = await req('GET', `/api/v1/billing/services?desde=${dayFromToday(-5)}&hasta=${today}&estado=PAGADO`, admin);
    expect(paid.json().data.map((l: { appointment_id: string }) => l.appointment_id)).toEqual([ids.B0, ids.B1]);
    const paged = await req('GET', `/api/v1/billing/services?desde=${dayFromToday(-5)}&hasta=${today}&limit=2&offset=2`, admin);
    expect(paged.json()).toMatchObject({ total: 6, limit: 2, offset: 2, data: [{ appointment_id: ids.B2 }, { appointment_id: expect.any(String) }] });
    const csv = await req('GET', `/api/v1/billing/services?desde=${dayFromToday(-5)}&hasta=${today}&formato=csv`, admin);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(7);
    expect(csv.body).toContain('VTA-2026-000123');

    const rec = await req('GET', `/api/v1/reports/conciliacion?desde=${dayFromToday(-5)}&hasta=${dayFromToday(3)}`, admin);
    expect(rec.statusCode).toBe(200);
    const r = rec.json();
    const apptIds = (list: { data: { appointment_id: string }[] }) => list.data.map((i) => i.appointment_id);
    expect(apptIds(r.atendidasNoPagadas)).toEqual([ids.B3, ids.B4]);
    expect(r.atendidasNoPagadas).toMatchObject({ total: 2, importe: 300 });
    expect(apptIds(r.pagadasNoAtendidas)).toEqual([ids.B5, ids.B9]);
    expect(r.pagadasNoAtendidas.data.map((i: { estado: string }) => i.estado)).toEqual(['CONFIRMADA', 'EN_CONSULTA']);
    expect(apptIds(r.canceladasConPago)).toEqual([ids.B6]);
    expect(r.canceladasConPago).toMatchObject({ total: 1, importe: 150, data: [{ estado: 'CANCELADA', infoPago: 'PAGADO', servicio: { codigo: 'CONS-MG' } }] });
    expect(r.atencionesSinCita).toMatchObject({ total: 1, data: [{ attention_id: emergency.id, appointment_id: null }] });
    const recCsv = await req('GET', `/api/v1/reports/conciliacion?desde=${dayFromToday(-5)}&hasta=${dayFromToday(3)}&formato=csv`, admin);
    expect(recCsv.body.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual([
      'ATENDIDA_NO_PAGADA', 'ATENDIDA_NO_PAGADA', 'PAGADA_NO_ATENDIDA', 'PAGADA_NO_ATENDIDA', 'CANCELADA_CON_PAGO', 'ATENCION_SIN_CITA',
    ]);

    for (const user of [doctor, asistente]) {
      expect((await req('GET', `/api/v1/billing/services?desde=${today}&hasta=${today}`, user)).statusCode).toBe(403);
      expect((await req('GET', `/api/v1/reports/conciliacion?desde=${today}&hasta=${today}`, user)).statusCode).toBe(403);
    }
    expect((await req('GET', `/api/v1/billing/services?desde=${today}&hasta=${today}&estado=REGALADO`, admin)).json().errors[0].path).toBe('estado');
    expect((await req('GET', `/api/v1/billing/services?desde=${today}&hasta=${dayFromToday(-1)}`, admin)).json().errors[0].path).toBe('hasta');
    const audited = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'REPORT_PATIENT_INCLUDED' AND patient_id = ${patient.id}`);
    expect(audited.rows[0]!.n).toBeGreaterThanOrEqual(5);
  });
});
