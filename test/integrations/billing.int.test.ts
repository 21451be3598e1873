import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createPatient, nextDni } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

/** RF7.1 webhook: authentication, strict validation, patient UPSERT, doctor/service mapping, idempotency, log. */
describe('billing sales webhook', () => {
  let t: TestApp;
  let admin: TestUser;
  let asistente: TestUser;
  let doctor: TestUser;
  let apiKey: string;
  let consulta: string;
  let slot = 0;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createUser(t, 'ADMIN');
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { codigoExterno: 'MED-001', nombres: 'Luis', apellidoPaterno: 'Castro' });
    const client = await t.app.inject({ method: 'POST', url: '/api/v1/integration-clients', headers: admin.headers, payload: { nombre: 'Cobranza' } });
    apiKey = client.json().apiKey;
    consulta = await serviceTypeId(t, asistente);
    await t.app.inject({ method: 'PUT', url: `/api/v1/service-types/${consulta}`, headers: admin.headers, payload: { codigoVentas: 'SV-CONS-MG' } });
  });
  afterAll(async () => t.close());

  // Every sale gets its own hour (07:00–22:00), then the next day: no sale lands on another's slot.
  const nextSlot = () => {
    const n = slot++;
    return { fechaCita: dayFromToday(2 + Math.floor(n / 16)), horaCita: `${String(7 + (n % 16)).padStart(2, '0')}:00` };
  };
  const sale = (o: { tv?: object; paciente?: object; sm?: object; extra?: object } = {}) => ({
    transaccionVenta: { idTransaccionVentas: `TX-${randomUUID()}`, fechaHoraVenta: '2026-11-28T14:00:00Z', montoPagado: 60, metodoPago: 'Tarjeta', estadoPago: 'Pagado', ...o.tv },
    paciente: {
      tipoDocumento: 'DNI', numeroDocumento: nextDni(), nombres: 'Rosa María', apellidoPaterno: 'Sánchez', apellidoMaterno: 'Vilela',
      fechaNacimiento: '1979-02-03', sexo: 'F', telefonoMovil: '987111222', email: 'rosa@correo.pe', ...o.paciente,
    },
    servicioMedico: {
      idServicioVentas: 'SV-CONS-MG', nombreServicio: 'Consulta Médica General', medicoAsignadoIdentificador: 'MED-001', ...nextSlot(),
      observacionesVenta: 'Pago adelantado.', ...o.sm,
    },
    ...o.extra,
  });
  const deliver = (payload: object, headers: Record<string, string> = { 'x-api-key': apiKey }) =>
    t.app.inject({ method: 'POST', url: '/api/v1/integracion/venta-servicio', headers, payload });
  const count = async (query: ReturnType<typeof sql>) => Number((await t.database.db.execute<{ n: number }>(query)).rows[0]!.n);
  const patientByDoc = async (dni: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/patients?tipoDocumento=DNI&numeroDocumento=${dni}`, headers: asistente.headers })).json().data[0];
  const appointment = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${id}`, headers: asistente.headers })).json();

  it('accepts only an integration key, and integration keys nowhere else', async () => {
    const userToken = await deliver(sale(), { authorization: `Bearer ${asistente.token}` });
    expect(userToken.statusCode).toBe(401);
    expect(userToken.json().code).toBe('API_KEY_REQUIRED');
    expect((await deliver(sale(), {})).json().code).toBe('INVALID_API_KEY');
    expect((await deliver(sale(), { 'x-api-key': `hce_${'x'.repeat(43)}` })).statusCode).toBe(401);
    const elsewhere = await t.app.inject({ method: 'GET', url: '/api/v1/patients', headers: { 'x-api-key': apiKey } });
    expect(elsewhere.json().code).toBe('BEARER_REQUIRED');
  });

  it('validates strictly: every problem named in one 400, unknown fields refused by name, nothing written', async () => {
    const bad = sale({
      tv: { estadoPago: 'Cobrado', montoPagado: -5, fechaHoraVenta: '28/11/2026' },
      paciente: { sexo: 'X', colorFavorito: 'azul' },
      sm: { fechaCita: '2026-02-30', horaCita: '25:00', medicoAsignadoIdentificador: '' },
      extra: { descuento: 10 },
    });
    const res = await deliver(bad);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining([
      'transaccionVenta.estadoPago', 'transaccionVenta.montoPagado', 'transaccionVenta.fechaHoraVenta', 'paciente.sexo', 'paciente.colorFavorito',
      'servicioMedico.fechaCita', 'servicioMedico.horaCita', 'servicioMedico.medicoAsignadoIdentificador', 'descuento',
    ]));
    expect(res.json().errors.find((e: { path: string }) => e.path === 'paciente.colorFavorito').message).toBe('Campo no permitido');
    const rules = await deliver(sale({ paciente: { numeroDocumento: '1234', fechaNacimiento: '2090-01-01' } }));
    expect(rules.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['paciente.fechaNacimiento', 'paciente.numeroDocumento']);
    expect(await patientByDoc(bad.paciente.numeroDocumento)).toBeUndefined();
    const log = await t.database.db.execute<{ outcome: string; status_code: number; payload_sha256: string; id_transaccion_ventas: string }>(
      sql`SELECT outcome, status_code, payload_sha256, id_transaccion_ventas FROM integration_log WHERE id_transaccion_ventas = ${bad.transaccionVenta.idTransaccionVentas}`);
    expect(log.rows).toEqual([{ outcome: 'VALIDATION_ERROR', status_code: 400, payload_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), id_transaccion_ventas: bad.transaccionVenta.idTransaccionVentas }]);
    const anyDni = await count(sql`SELECT count(*) AS n FROM integration_log l WHERE l::text LIKE ${`%${bad.paciente.numeroDocumento}%`}`);
    expect(anyDni).toBe(0);
  });

  it('creates the patient and a CONFIRMADA appointment when nothing matches, audited as the integration client', async () => {
    const code = `EXT-${randomUUID()}`;
    const body = sale({ tv: { estadoPago: 'PAGADO ' }, sm: { codigoExternoCita: code } });
    const res = await deliver(body);
    expect(res.statusCode).toBe(200);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const out = res.json();
    expect(out).toMatchObject({ accion: 'CREADA', reconciliacion: 'NUEVA', accionPaciente: 'CREADO', infoPago: 'PAGADO', estadoCita: 'CONFIRMADA', observaciones: [] });
    const patient = await patientByDoc(body.paciente.numeroDocumento);
    expect(patient).toMatchObject({ id: out.patient_id, nombres: 'Rosa María', email: 'rosa@correo.pe', telefonoMovil: '987111222', sexo: 'F' });
    expect(await appointment(out.appointment_id)).toMatchObject({
      patient_id: out.patient_id, doctor_id: doctor.id, service_type_id: consulta, estado: 'CONFIRMADA', infoPago: 'PAGADO',
      idTransaccionVentas: body.transaccionVenta.idTransaccionVentas, codigoExternoCita: code,
      fecha: body.servicioMedico.fechaCita, hora: body.servicioMedico.horaCita, descripcionServicio: 'Consulta Médica General', sobrecupo: false,
    });
    const audit = await t.database.db.execute<{ action: string; actor_kind: string; actor_role: string; entity_id: string; patient_id: string }>(
      sql`SELECT action, actor_kind, actor_role, entity_id, patient_id FROM audit_events WHERE request_id = ${String(res.headers['x-request-id'])} ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['PATIENT_CREATED', 'APPOINTMENT_CREATED', 'BILLING_SALE_PROCESSED']);
    expect(audit.rows.map((r) => r.entity_id)).toEqual([out.patient_id, out.appointment_id, body.transaccionVenta.idTransaccionVentas]);
    expect(new Set(audit.rows.map((r) => r.patient_id))).toEqual(new Set([out.patient_id]));
    expect(new Set(audit.rows.map((r) => `${r.actor_kind}/${r.actor_role}`))).toEqual(new Set(['integration/INTEGRACION']));
  });

  it('UPSERTs by document: changed demographics updated, nothing blanked, clinical lists only grow', async () => {
    const existing = await createPatient(t, asistente, { telefonoMovil: '912345678', direccion: 'Jr. Lima 456' });
    const res = await deliver(sale({ paciente: {
      numeroDocumento: existing.numeroDocumento, nombres: 'José Luis', apellidoPaterno: 'Núñez', apellidoMaterno: 'Chávez', fechaNacimiento: '1985-04-12', sexo: 'M',
      email: 'nuevo@correo.pe', telefonoMovil: null, direccion: null, alergias: [{ alergia: 'Ibuprofeno', severidad: 'MODERADA' }, { alergia: 'PENICILINA', severidad: 'LEVE' }],
    } }));
    expect(res.json()).toMatchObject({ patient_id: existing.id, accionPaciente: 'ACTUALIZADO' });
    const after = await patientByDoc(existing.numeroDocumento);
    expect(after).toMatchObject({ email: 'nuevo@correo.pe', telefonoMovil: '912345678', direccion: 'Jr. Lima 456', version: existing.version + 1, numeroHistoriaClinica: existing.numeroHistoriaClinica });
    expect(after.alergias.map((a: { alergia: string }) => a.alergia)).toEqual(['Penicilina', 'Ibuprofeno']);
    const same = await deliver(sale({ paciente: { numeroDocumento: existing.numeroDocumento, nombres: 'José Luis', apellidoPaterno: 'Núñez', apellidoMaterno: 'Chávez', fechaNacimiento: '1985-04-12', sexo: 'M', email: 'nuevo@correo.pe', telefonoMovil: undefined } }));
    expect(same.json().accionPaciente).toBe('SIN_CAMBIOS');
    expect((await patientByDoc(existing.numeroDocumento)).version).toBe(existing.version + 1);
    const hc = await deliver(sale({ paciente: { numeroDocumento: existing.numeroDocumento, numeroHistoriaClinica: 'HC-999999' } }));
    expect(hc.statusCode).toBe(422);
    expect(hc.json()).toMatchObject({ code: 'HC_MISMATCH', errors: [{ path: 'paciente.numeroHistoriaClinica' }] });
  });

  // The new appointment's INSERT trusts the webhook's own look-ups (it does not repeat them):
  // these pin that an inactive doctor or service type is still refused and a merged record's
  // document still books on the surviving patient.
  it('refuses a sale for an inactive doctor or service type with nothing written; books a merged record on the survivor', async () => {
    const { db } = t.database;
    const retired = await createUser(t, 'MEDICO', { codigoExterno: 'MED-RETIRADO' });
    await db.execute(sql`UPDATE users SET is_active = false WHERE id = ${retired.id}`);
    const toRetired = sale({ sm: { medicoAsignadoIdentificador: 'MED-RETIRADO' } });
    const refused = await deliver(toRetired);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('DOCTOR_NOT_MAPPED');
    expect(await patientByDoc(toRetired.paciente.numeroDocumento)).toBeUndefined();

    const inactive = await t.app.inject({ method: 'POST', url: '/api/v1/service-types', headers: admin.headers,
      payload: { codigo: 'ECO-RETIRADA', codigoVentas: 'SV-ECO-RET', nombre: 'Ecografía retirada', especialidad: 'Radiología', duracionMinutos: 20, precio: 80 } });
    expect(inactive.statusCode).toBe(201);
    await db.execute(sql`UPDATE service_types SET activo = false WHERE id = ${inactive.json().id}`);
    const toInactive = sale({ sm: { idServicioVentas: 'SV-ECO-RET' } });
    const refusedType = await deliver(toInactive);
    expect(refusedType.statusCode).toBe(422);
    expect(refusedType.json().code).toBe('SERVICE_TYPE_INACTIVE');
    expect(await count(sql`SELECT count(*)::int AS n FROM appointments WHERE id_transaccion_ventas = ${toInactive.transaccionVenta.idTransaccionVentas}`)).toBe(0);

    const dni = nextDni();
    const duplicate = await createPatient(t, asistente, { tipoDocumento: 'DNI', numeroDocumento: dni });
    const survivor = await createPatient(t, asistente, { nombres: 'Sobreviviente' });
    const merged = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${duplicate!.id}/merge`, headers: admin.headers, payload: { into: survivor!.id } });
    expect(merged.statusCode).toBe(200);
    const booked = await deliver(sale({ paciente: { numeroDocumento: dni } }));
    expect(booked.json()).toMatchObject({ accion: 'CREADA', patient_id: survivor!.id });
    expect((await appointment(booked.json().appointment_id)).patient_id).toBe(survivor!.id);
  });

  it('maps the doctor by codigoExterno, CMP or document; unmapped or ambiguous → 422 with nothing written', async () => {
    const byCmp = await createUser(t, 'MEDICO', { cmp: '077711' });
    const byDoc = await createUser(t, 'MEDICO', { numeroDocumento: '41234567' });
    expect((await deliver(sale({ sm: { medicoAsignadoIdentificador: '077711' } }))).json()).toMatchObject({ accion: 'CREADA' });
    const viaDoc = await deliver(sale({ sm: { medicoAsignadoIdentificador: '41234567' } }));
    expect((await appointment(viaDoc.json().appointment_id)).doctor_id).toBe(byDoc.id);
    const viaCmp = (await t.database.db.execute<{ doctor_id: string }>(sql`SELECT doctor_id FROM appointments WHERE doctor_id = ${byCmp.id}`)).rows;
    expect(viaCmp).toHaveLength(1);
    const unmapped = sale({ sm: { medicoAsignadoIdentificador: 'NO-EXISTE' } });
    const res = await deliver(unmapped);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'DOCTOR_NOT_MAPPED', errors: [{ path: 'servicioMedico.medicoAsignadoIdentificador' }] });
    expect(res.body).not.toContain('NO-EXISTE');
    expect(await patientByDoc(unmapped.paciente.numeroDocumento)).toBeUndefined();
    await createUser(t, 'MEDICO', { codigoExterno: '066600' });
    await createUser(t, 'MEDICO', { cmp: '066600' });
    const ambiguous = await deliver(sale({ sm: { medicoAsignadoIdentificador: '066600' } }));
    expect(ambiguous.json().code).toBe('DOCTOR_AMBIGUOUS');
  });

  it('maps the service by codigoVentas and creates an unknown one as coming from billing, audited', async () => {
    const code = `SV-NEW-${randomUUID().slice(0, 6)}`;
    const first = await deliver(sale({ tv: { montoPagado: 95.5 }, sm: { idServicioVentas: code, nombreServicio: 'Ecografía obstétrica' } }));
    expect(first.statusCode).toBe(200);
    const types = (await t.app.inject({ method: 'GET', url: '/api/v1/service-types', headers: asistente.headers })).json().data.filter((s: { codigoVentas: string }) => s.codigoVentas === code);
    expect(types).toEqual([expect.objectContaining({ nombre: 'Ecografía obstétrica', origen: 'COBRANZA', precio: 95.5, activo: true })]);
    expect((await appointment(first.json().appointment_id)).service_type_id).toBe(types[0].id);
    await deliver(sale({ sm: { idServicioVentas: code, nombreServicio: 'Otro nombre' } }));
    expect(await count(sql`SELECT count(*) AS n FROM service_types WHERE codigo_ventas = ${code}`)).toBe(1);
    expect(await count(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'SERVICE_TYPE_CREATED' AND entity_id = ${types[0].id} AND details->>'origen' = 'COBRANZA'`)).toBe(1);
  });

  it('answers an identical repeat with the stored body and writes nothing; a changed one updates the same records', async () => {
    const body = sale();
    const first = await deliver(body);
    const { appointment_id, patient_id } = first.json();
    const before = await appointment(appointment_id);
    const again = await deliver({ ...body, transaccionVenta: { ...body.transaccionVenta } });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await appointment(appointment_id)).version).toBe(before.version);
    const id = body.transaccionVenta.idTransaccionVentas;
    expect(await count(sql`SELECT count(*) AS n FROM appointments WHERE id_transaccion_ventas = ${id}`)).toBe(1);
    expect(await count(sql`SELECT entregas AS n FROM billing_transactions WHERE id_transaccion_ventas = ${id}`)).toBe(1);

    const annulled = await deliver({ ...body, transaccionVenta: { ...body.transaccionVenta, estadoPago: 'anulado' } });
    expect(annulled.json()).toMatchObject({ patient_id, appointment_id, accion: 'ACTUALIZADA', infoPago: 'ANULADO', estadoCita: 'CANCELADA' });
    expect(await appointment(appointment_id)).toMatchObject({ estado: 'CANCELADA', infoPago: 'ANULADO' });
    const paidAgain = await deliver({ ...body, transaccionVenta: { ...body.transaccionVenta, estadoPago: 'Pagado', montoPagado: 61 } });
    expect(paidAgain.statusCode).toBe(409);
    expect(paidAgain.json().code).toBe('TRANSACTION_ANNULLED');
    expect(await count(sql`SELECT count(*) AS n FROM appointments WHERE id_transaccion_ventas = ${id}`)).toBe(1);
    expect(await count(sql`SELECT count(*) AS n FROM patients WHERE id = ${patient_id}`)).toBe(1);
    const outcomes = (await t.database.db.execute<{ outcome: string }>(sql`SELECT outcome FROM integration_log WHERE id_transaccion_ventas = ${id} ORDER BY id`)).rows.map((r) => r.outcome);
    expect(outcomes).toEqual(['CREADA', 'REPETIDA', 'ACTUALIZADA', 'TRANSACTION_ANNULLED']);
    const audited = (await t.database.db.execute<{ action: string }>(sql`SELECT action FROM audit_events WHERE entity_id = ${id} ORDER BY id`)).rows.map((r) => r.action);
    expect(audited).toEqual(['BILLING_SALE_PROCESSED', 'BILLING_SALE_REPLAYED', 'BILLING_SALE_PROCESSED', 'BILLING_SALE_REJECTED']);
  });

  it('records HCE-side appointment events in the outbox even with BILLING_WEBHOOK_URL unset, and sends nothing', async () => {
    const p = await createPatient(t, asistente);
    const appt = await createAppointment(t, asistente, { patient_id: p.id, doctor_id: doctor.id, service_type_id: consulta, ...{ fecha: dayFromToday(3), hora: '10:00' } });
    const rows = await t.database.db.execute<{ event_type: string; estado: string }>(sql`SELECT event_type, estado FROM integration_outbox WHERE aggregate_id = ${appt.id}`);
    expect(rows.rows).toEqual([{ event_type: 'appointment.created', estado: 'PENDIENTE' }]);
    expect(await t.app.ctx.services.outbox.dispatcher.runOnce()).toEqual({ sent: 0, failed: 0, parked: 0 });
  });
});
