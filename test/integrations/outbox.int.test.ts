import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

const SECRET = 'outbox-test-secret-0123456789abcdef-xyz';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/** The billing system's side: verifies each signature, answers 500 while `failing`. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { failing: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${String(req.headers['x-hce-timestamp'])}.${body}`).digest('hex')}`;
      received.push({ headers: req.headers, body, signatureValid: req.headers['x-hce-signature'] === expected });
      res.writeHead(state.failing ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hce/eventos`,
    received, state,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

describe('outbound events to billing (transactional outbox)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestApp;
  let admin: TestUser;
  let asistente: TestUser;
  let doctor: TestUser;
  let consulta: string;
  let hour = 7;
  const later = (hours: number) => new Date(Date.now() + hours * 3_600_000);

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await buildTestApp({ env: { BILLING_WEBHOOK_URL: receiver.url, BILLING_WEBHOOK_SECRET: SECRET, BILLING_MAX_ATTEMPTS: '3', BILLING_RETRY_BASE_MS: '60000' } });
    admin = await createUser(t, 'ADMIN');
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { codigoExterno: 'MED-OUT' });
    consulta = await serviceTypeId(t, asistente);
  });
  beforeEach(async () => {
    // Deliver whatever earlier tests left, so each test sees only its own events.
    receiver.state.failing = false;
    await t.app.ctx.services.outbox.dispatcher.runOnce(later(48));
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const hh = (minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const run = (now?: Date) => t.app.ctx.services.outbox.dispatcher.runOnce(now);
  const book = async () => {
    const p = await createPatient(t, asistente);
    hour += 1;
    return { patient: p, appt: await createAppointment(t, asistente, { patient_id: p.id, doctor_id: doctor.id, service_type_id: consulta, fecha: dayFromToday(1), hora: hh(0) }) };
  };
  const events = async (query = '') => (await t.app.inject({ method: 'GET', url: `/api/v1/integration-events${query}`, headers: admin.headers })).json();
  const eventOf = async (aggregateId: string) => (await events('?limit=100')).data.filter((e: { aggregateId: string }) => e.aggregateId === aggregateId);

  it('writes the event with the change, retries a failing receiver with backoff and delivers it signed once it recovers', async () => {
    const { patient, appt } = await book();
    const [pending] = await eventOf(appt.id);
    expect(pending).toMatchObject({ eventType: 'appointment.created', estado: 'PENDIENTE', attempts: 0 });
    const stored = await t.database.db.execute<{ payload_enc: string }>(sql`SELECT payload_enc FROM integration_outbox WHERE id = ${pending.id}`);
    expect(stored.rows[0]!.payload_enc).not.toContain(patient.numeroDocumento);

    receiver.state.failing = true;
    expect(await run()).toEqual({ sent: 0, failed: 1, parked: 0 });
    const [failed] = await eventOf(appt.id);
    expect(failed).toMatchObject({ estado: 'PENDIENTE', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(Date.parse(failed.nextAttemptAt)).toBeGreaterThan(Date.now() + 25_000);
    expect(await run()).toEqual({ sent: 0, failed: 0, parked: 0 });

    receiver.state.failing = false;
    expect(await run(later(1))).toEqual({ sent: 1, failed: 0, parked: 0 });
    expect((await eventOf(appt.id))[0]).toMatchObject({ estado: 'ENVIADO', attempts: 2, lastStatus: 204, lastError: null });
    expect(receiver.received).toHaveLength(2);
    for (const r of receiver.received) {
      expect(r.signatureValid).toBe(true);
      expect(r.headers).toMatchObject({ 'x-hce-event-id': pending.id, 'x-hce-event-type': 'appointment.created', 'content-type': 'application/json' });
    }
    const body = JSON.parse(receiver.received[1]!.body);
    expect(body).toMatchObject({
      id: pending.id, type: 'appointment.created',
      data: { appointment_id: appt.id, estado: 'PENDIENTE', paciente: { patient_id: patient.id, tipoDocumento: 'DNI', numeroDocumento: patient.numeroDocumento }, medico: { doctor_id: doctor.id }, servicio: { codigo: 'CONS-MG' } },
    });
  });

  it('delivers an appointment\'s events in order, and the service rendered when the attention is finalized', async () => {
    const { patient, appt } = await book();
    const bookedAt = hh(0);
    await t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${appt.id}`, headers: asistente.headers, payload: { hora: hh(40) } });
    const attention = await createAttention(t, doctor, { patient_id: patient.id, appointment_id: appt.id });
    await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attention.id}/diagnoses`, headers: doctor.headers, payload: { cie_code: 'J06.9', type: 'PRESUNTIVO' } });
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/medical_attentions/${attention.id}/finalize`, headers: doctor.headers })).statusCode).toBe(200);
    const other = await book();
    await t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${other.appt.id}`, headers: asistente.headers, payload: { estado: 'CANCELADA' } });
    await run();
    const mine = receiver.received.map((r) => JSON.parse(r.body)).filter((b) => b.data.appointment_id === appt.id || b.data.cita?.appointment_id === appt.id);
    expect(mine.map((b) => b.type)).toEqual(['appointment.created', 'appointment.rescheduled', 'attention.finalized']);
    expect(mine[1].data.anterior).toMatchObject({ hora: bookedAt });
    expect(mine[2].data).toMatchObject({ attention_id: attention.id, cita: { appointment_id: appt.id, infoPago: 'PENDIENTE' } });
    expect(JSON.stringify(mine[2])).not.toContain('J06.9');
    const cancelled = receiver.received.map((r) => JSON.parse(r.body)).filter((b) => b.data.appointment_id === other.appt.id).map((b) => b.type);
    expect(cancelled).toEqual(['appointment.created', 'appointment.cancelled']);
  });

  it('parks an event after BILLING_MAX_ATTEMPTS, lists it for ADMIN and delivers it on a manual retry', async () => {
    const { appt } = await book();
    receiver.state.failing = true;
    for (let i = 1; i <= 3; i++) await run(later(i * 10));
    const [parked] = await eventOf(appt.id);
    expect(parked).toMatchObject({ estado: 'FALLIDO', attempts: 3, nextAttemptAt: null, lastError: 'HTTP 500' });
    expect((await events('?estado=FALLIDO')).data.map((e: { id: string }) => e.id)).toContain(parked.id);
    expect(await run(later(100))).toEqual({ sent: 0, failed: 0, parked: 0 });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/integration-events/${parked.id}/retry`, headers: asistente.headers })).statusCode).toBe(403);

    receiver.state.failing = false;
    const retried = await t.app.inject({ method: 'POST', url: `/api/v1/integration-events/${parked.id}/retry`, headers: admin.headers });
    expect(retried.json()).toMatchObject({ estado: 'PENDIENTE', attempts: 0 });
    expect(await run()).toEqual({ sent: 1, failed: 0, parked: 0 });
    expect((await eventOf(appt.id))[0].estado).toBe('ENVIADO');
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/integration-events/${parked.id}/retry`, headers: admin.headers });
    expect(again.json().code).toBe('INTEGRATION_EVENT_SENT');
    const audit = await t.database.db.execute(sql`SELECT 1 FROM audit_events WHERE action = 'INTEGRATION_EVENT_RETRIED' AND entity_id = ${parked.id}`);
    expect(audit.rows).toHaveLength(1);
  });

  it('does not echo to billing the changes its own sales made', async () => {
    const admins = await t.app.inject({ method: 'POST', url: '/api/v1/integration-clients', headers: admin.headers, payload: { nombre: `Cobranza ${randomUUID()}` } });
    const dni = (await createPatient(t, asistente)).numeroDocumento;
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/integracion/venta-servicio', headers: { 'x-api-key': admins.json().apiKey },
      payload: {
        transaccionVenta: { idTransaccionVentas: `TX-${randomUUID()}`, fechaHoraVenta: '2026-11-28T10:00:00Z', montoPagado: 60, estadoPago: 'Pagado' },
        paciente: { tipoDocumento: 'DNI', numeroDocumento: dni, nombres: 'José Luis', apellidoPaterno: 'Núñez', fechaNacimiento: '1985-04-12', sexo: 'M' },
        servicioMedico: { idServicioVentas: 'SV-X', nombreServicio: 'Consulta', medicoAsignadoIdentificador: 'MED-OUT', fechaCita: dayFromToday(4), horaCita: '08:00' },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(await eventOf(res.json().appointment_id)).toEqual([]);
  });

  it.runIf(testDbKind() === 'postgres')('lets two API processes deliver the same outbox without sending any event twice', async () => {
    const second = await buildTestApp({ testDatabase: t.testDatabase, env: { BILLING_WEBHOOK_URL: receiver.url, BILLING_WEBHOOK_SECRET: SECRET } });
    try {
      const booked = [];
      for (let i = 0; i < 6; i++) booked.push((await book()).appt.id);
      await Promise.all([run(), second.app.ctx.services.outbox.dispatcher.runOnce(), run(), second.app.ctx.services.outbox.dispatcher.runOnce()]);
      const ids = receiver.received.map((r) => String(r.headers['x-hce-event-id']));
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    } finally {
      await second.close();
    }
  });
});
