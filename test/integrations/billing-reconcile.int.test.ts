import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, testDbKind } from '../helpers/database.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

/** RF7.1 appointment reconciliation, in the document's order, never bypassing the agenda's rules. */
describe('billing sales webhook: appointment reconciliation', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let apiKey: string;
  let consulta: string;
  let slot = 0;

  beforeAll(async () => {
    const testDatabase = await createTestDatabase({ poolMax: 24 });
    t = await buildTestApp({ testDatabase });
    const admin = await createUser(t, 'ADMIN');
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { codigoExterno: 'MED-REC' });
    apiKey = (await t.app.inject({ method: 'POST', url: '/api/v1/integration-clients', headers: admin.headers, payload: { nombre: 'Cobranza' } })).json().apiKey;
    consulta = await serviceTypeId(t, asistente);
    await t.app.inject({ method: 'PUT', url: `/api/v1/service-types/${consulta}`, headers: admin.headers, payload: { codigoVentas: 'SV-CONS-MG' } });
  });
  afterAll(async () => {
    await t.close();
    await t.testDatabase.dispose();
  });

  const nextSlot = () => {
    slot += 1;
    return { fecha: dayFromToday(1 + Math.floor(slot / 30)), hora: `${String(7 + Math.floor((slot % 30) / 3)).padStart(2, '0')}:${String((slot % 3) * 20).padStart(2, '0')}` };
  };
  const booked = async (patientId: string, extra: Record<string, unknown> = {}) => {
    const s = nextSlot();
    return { ...(await createAppointment(t, asistente, { patient_id: patientId, doctor_id: doctor.id, service_type_id: consulta, ...s, ...extra })), ...s };
  };
  const sale = (p: { numeroDocumento: string }, at: { fecha: string; hora: string }, o: { tv?: object; sm?: object; ref?: string } = {}) => ({
    transaccionVenta: { idTransaccionVentas: `TX-${randomUUID()}`, fechaHoraVenta: '2026-11-28T14:00:00-05:00', montoPagado: 60, estadoPago: 'Pagado', ...o.tv },
    paciente: { tipoDocumento: 'DNI', numeroDocumento: p.numeroDocumento, nombres: 'José Luis', apellidoPaterno: 'Núñez', fechaNacimiento: '1985-04-12', sexo: 'M' },
    servicioMedico: { idServicioVentas: 'SV-CONS-MG', nombreServicio: 'Consulta', medicoAsignadoIdentificador: 'MED-REC', fechaCita: at.fecha, horaCita: at.hora, ...o.sm },
    ...(o.ref ? { referenciaCitaHCE: o.ref } : {}),
  });
  const deliver = (payload: object, app = t) => app.app.inject({ method: 'POST', url: '/api/v1/integracion/venta-servicio', headers: { 'x-api-key': apiKey }, payload });
  const get = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${id}`, headers: asistente.headers })).json();
  const put = (id: string, payload: object) => t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${id}`, headers: asistente.headers, payload });

  it('(1) referenciaCitaHCE wins over the other keys; another patient\'s appointment → 422 and nothing written', async () => {
    const p = await createPatient(t, asistente);
    const referenced = await booked(p.id);
    const otherCode = `EXT-${randomUUID()}`;
    const sameSlotOther = await booked(p.id, { codigoExternoCita: otherCode });
    const res = await deliver(sale(p, nextSlot(), { ref: referenced.id, sm: { codigoExternoCita: otherCode } }));
    expect(res.json()).toMatchObject({ appointment_id: referenced.id, reconciliacion: 'REFERENCIA_HCE', accion: 'ACTUALIZADA', estadoCita: 'CONFIRMADA' });
    expect(res.json().observaciones).toEqual(expect.arrayContaining([expect.stringMatching(/no se reprograma/)]));
    expect(await get(referenced.id)).toMatchObject({ estado: 'CONFIRMADA', infoPago: 'PAGADO', fecha: referenced.fecha, hora: referenced.hora });
    expect((await get(sameSlotOther.id)).infoPago).toBe('PENDIENTE');

    const stranger = await createPatient(t, asistente);
    const body = sale(stranger, nextSlot(), { ref: referenced.id });
    const refused = await deliver(body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'APPOINTMENT_OTHER_PATIENT', errors: [{ path: 'referenciaCitaHCE' }] });
    const written = await t.database.db.execute(sql`SELECT 1 FROM billing_transactions WHERE id_transaccion_ventas = ${body.transaccionVenta.idTransaccionVentas}`);
    expect(written.rows).toHaveLength(0);
    const unknownRef = await deliver(sale(p, nextSlot(), { ref: randomUUID() }));
    expect(unknownRef.json().reconciliacion).toBe('NUEVA');
  });

  it('(2) codigoExternoCita matches, and REPROGRAMADA moves to CONFIRMADA as the transition table allows', async () => {
    const p = await createPatient(t, asistente);
    const code = `EXT-${randomUUID()}`;
    const appt = await booked(p.id, { codigoExternoCita: code });
    const moved = nextSlot();
    expect((await put(appt.id, { fecha: moved.fecha, hora: moved.hora })).json().estado).toBe('REPROGRAMADA');
    const res = await deliver(sale(p, moved, { sm: { codigoExternoCita: code } }));
    expect(res.json()).toMatchObject({ appointment_id: appt.id, reconciliacion: 'CODIGO_EXTERNO', estadoCita: 'CONFIRMADA', observaciones: [] });
    const otherPatient = await createPatient(t, asistente);
    const clash = await deliver(sale(otherPatient, nextSlot(), { sm: { codigoExternoCita: code } }));
    expect(clash.json()).toMatchObject({ code: 'APPOINTMENT_OTHER_PATIENT', errors: [{ path: 'servicioMedico.codigoExternoCita' }] });
  });

  it('(3) matches a PENDIENTE appointment in the slot, else any non-cancelled one, never a cancelled one', async () => {
    const p = await createPatient(t, asistente);
    const pending = await booked(p.id);
    const byData = await deliver(sale(p, pending));
    expect(byData.json()).toMatchObject({ appointment_id: pending.id, reconciliacion: 'COINCIDENCIA', estadoCita: 'CONFIRMADA' });
    expect((await get(pending.id)).idTransaccionVentas).not.toBeNull();

    const confirmed = await booked(p.id, { estado: 'CONFIRMADA' });
    const res = await deliver(sale(p, confirmed, { tv: { estadoPago: 'seguro', seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS' } } }));
    expect(res.json()).toMatchObject({ appointment_id: confirmed.id, reconciliacion: 'COINCIDENCIA', infoPago: 'SEGURO' });
    expect(await get(confirmed.id)).toMatchObject({ estado: 'CONFIRMADA', infoPago: 'SEGURO', seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS' } });

    const cancelled = await booked(p.id);
    await put(cancelled.id, { estado: 'CANCELADA' });
    const fresh = await deliver(sale(p, cancelled));
    expect(fresh.json()).toMatchObject({ reconciliacion: 'NUEVA', accion: 'CREADA', estadoCita: 'CONFIRMADA' });
    expect(fresh.json().appointment_id).not.toBe(cancelled.id);
    expect((await get(cancelled.id)).estado).toBe('CANCELADA');
  });

  it('creates a new appointment as overbooking when another patient holds the slot: the payment is real', async () => {
    const holder = await booked((await createPatient(t, asistente)).id);
    const payer = await createPatient(t, asistente);
    const res = await deliver(sale(payer, holder));
    expect(res.json()).toMatchObject({ reconciliacion: 'NUEVA', accion: 'CREADA' });
    expect(await get(res.json().appointment_id)).toMatchObject({ sobrecupo: true, estado: 'CONFIRMADA', fecha: holder.fecha, hora: holder.hora });
    expect((await get(holder.id)).estado).toBe('PENDIENTE');
  });

  it('ANULADO cancels where the table allows; an attention in progress stays and is flagged for reconciliation', async () => {
    const p = await createPatient(t, asistente);
    const appt = await booked(p.id);
    const paid = sale(p, appt);
    await deliver(paid);
    const annul = (s: ReturnType<typeof sale>) => deliver({ ...s, transaccionVenta: { ...s.transaccionVenta, estadoPago: 'ANULADO' } });
    expect((await annul(paid)).json()).toMatchObject({ estadoCita: 'CANCELADA', infoPago: 'ANULADO', observaciones: [] });

    const inConsult = await booked(p.id);
    const sale2 = sale(p, inConsult);
    await deliver(sale2);
    await createAttention(t, doctor, { patient_id: p.id, appointment_id: inConsult.id });
    const res = await annul(sale2);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ appointment_id: inConsult.id, estadoCita: 'EN_CONSULTA', infoPago: 'ANULADO' });
    expect(res.json().observaciones).toEqual([expect.stringMatching(/EN_CONSULTA: no se cancela/)]);
    expect(await get(inConsult.id)).toMatchObject({ estado: 'EN_CONSULTA', infoPago: 'ANULADO' });
    const flagged = await t.database.db.execute<{ requiere_revision: boolean; anulada: boolean }>(
      sql`SELECT requiere_revision, anulada FROM billing_transactions WHERE id_transaccion_ventas = ${sale2.transaccionVenta.idTransaccionVentas}`);
    expect(flagged.rows).toEqual([{ requiere_revision: true, anulada: true }]);
  });

  it('never reopens a cancelled appointment it was pointed at', async () => {
    const p = await createPatient(t, asistente);
    const appt = await booked(p.id);
    await put(appt.id, { estado: 'CANCELADA' });
    const res = await deliver(sale(p, appt, { ref: appt.id }));
    expect(res.json()).toMatchObject({ appointment_id: appt.id, reconciliacion: 'REFERENCIA_HCE', estadoCita: 'CANCELADA', infoPago: 'PAGADO' });
    expect(res.json().observaciones).toEqual([expect.stringMatching(/CANCELADA: el pago no la reabre/)]);
  });

  it.runIf(testDbKind() === 'postgres')('turns 50 parallel deliveries to two API processes into one patient and one appointment', async () => {
    const second = await buildTestApp({ testDatabase: t.testDatabase });
    try {
      const p = { numeroDocumento: String(70_000_000 + Math.floor(Math.random() * 9_000_000)) };
      const body = sale(p, nextSlot());
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(body, i % 2 === 0 ? t : second)));
      expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
      const ids = new Set(results.map((r) => `${r.json().patient_id}/${r.json().appointment_id}`));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
      const id = body.transaccionVenta.idTransaccionVentas;
      const counts = await t.database.db.execute<{ patients: number; appointments: number; transactions: number }>(sql`
        SELECT (SELECT count(*) FROM patients WHERE id = ${results[0]!.json().patient_id}) AS patients,
               (SELECT count(*) FROM appointments WHERE id_transaccion_ventas = ${id}) AS appointments,
               (SELECT count(*) FROM billing_transactions WHERE id_transaccion_ventas = ${id}) AS transactions`);
      expect(counts.rows[0]).toEqual({ patients: 1, appointments: 1, transactions: 1 });
      const search = await t.app.inject({ method: 'GET', url: `/api/v1/patients?tipoDocumento=DNI&numeroDocumento=${p.numeroDocumento}`, headers: asistente.headers });
      expect(search.json().total).toBe(1);
    } finally {
      await second.close();
    }
  });
});
