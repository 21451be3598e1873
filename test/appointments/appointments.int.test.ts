import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('agenda', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let otherDoctor: TestUser;
  let admin: TestUser;
  let patientId: string;
  let consulta: string;
  const tomorrow = dayFromToday(1);

  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO', { especialidad: 'Cardiología' });
    otherDoctor = await createUser(t, 'MEDICO');
    admin = await createUser(t, 'ADMIN');
    patientId = (await createPatient(t, asistente)).id;
    consulta = await serviceTypeId(t, asistente);
  });
  afterAll(async () => t.close());

  const post = (payload: object, user = asistente) => t.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: user.headers, payload });
  const put = (id: string, payload: object, user: TestUser = asistente, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/appointments/${id}`, headers: { ...user.headers, ...headers }, payload });
  const base = () => ({ patient_id: patientId, doctor_id: doctor.id, service_type_id: consulta, infoPago: 'PENDIENTE' });

  it('lists the seeded service types for every role, and only ADMIN creates them', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/service-types', headers: doctor.headers });
    expect(res.json().data.map((s: { codigo: string }) => s.codigo).sort()).toEqual(['CONS-CAR', 'CONS-GIN', 'CONS-MG', 'CONS-PED', 'CTRL']);
    const denied = await t.app.inject({ method: 'POST', url: '/api/v1/service-types', headers: asistente.headers, payload: { codigo: 'X', nombre: 'x', especialidad: 'x', precio: 1 } });
    expect(denied.statusCode).toBe(403);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/service-types', headers: admin.headers, payload: { codigo: 'eco-abd', codigoVentas: 'V-ECO', nombre: 'Ecografía abdominal', especialidad: 'Radiología', duracionMinutos: 30, precio: '150.50' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ codigo: 'ECO-ABD', precio: 150.5, moneda: 'PEN', duracionMinutos: 30 });
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/service-types', headers: admin.headers, payload: { codigo: 'ECO-ABD', nombre: 'x', especialidad: 'x', precio: 1 } });
    expect(dup.statusCode).toBe(409);
  });

  it('creates an appointment with patient, doctor, service and a price snapshot', async () => {
    const res = await post({ ...base(), fecha: tomorrow, hora: '08:00', descripcionServicio: 'Consulta médica general', codigoExternoCita: 'EXT-A1' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.appointment_id).toBe(body.id);
    expect(body).toMatchObject({
      estado: 'PENDIENTE', fecha: tomorrow, hora: '08:00', duracionMinutos: 20, precio: 60, sobrecupo: false,
      patient: { id: patientId, nombreCompleto: 'José Luis Núñez Chávez' }, doctor: { id: doctor.id, especialidad: 'Cardiología' },
      serviceType: { codigo: 'CONS-MG' },
    });
    expect(body.patient.numeroDocumento).toMatch(/^\d{8}$/);
    const dupCode = await post({ ...base(), fecha: tomorrow, hora: '17:00', codigoExternoCita: 'EXT-A1' });
    expect(dupCode.statusCode).toBe(409);
  });

  it('validates each field and the references', async () => {
    const bad = await post({ patient_id: 'x', doctor_id: doctor.id, service_type_id: consulta, fecha: '2026-13-01', hora: '25:00', infoPago: 'GRATIS' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['fecha', 'hora', 'infoPago', 'patient_id']);
    const seguro = await post({ ...base(), fecha: tomorrow, hora: '18:00', infoPago: 'SEGURO' });
    expect(seguro.json().errors[0].path).toBe('seguro');
    const notDoctor = await post({ ...base(), doctor_id: asistente.id, fecha: tomorrow, hora: '18:00' });
    expect(notDoctor.json().errors[0]).toMatchObject({ path: 'doctor_id', message: 'El médico no existe.' });
    const noPatient = await post({ ...base(), patient_id: '00000000-0000-4000-8000-000000000000', fecha: tomorrow, hora: '18:00' });
    expect(noPatient.json().errors[0].path).toBe('patient_id');
    const past = await post({ ...base(), fecha: dayFromToday(-30), hora: '18:00' });
    expect(past.json().errors[0].path).toBe('fecha');
    const insured = await post({ ...base(), fecha: tomorrow, hora: '18:00', infoPago: 'SEGURO', seguro: { tipo: 'EPS', aseguradora: 'Pacífico EPS', plan: 'Plan Salud', numeroAutorizacion: 'AUT-991' } });
    expect(insured.statusCode).toBe(201);
    expect(insured.json().seguro).toMatchObject({ tipo: 'EPS', aseguradora: 'Pacífico EPS' });
  });

  it('refuses overlapping times for the same doctor, naming the clash, unless overbooked on purpose', async () => {
    const day = dayFromToday(2);
    const first = await createAppointment(t, asistente, { ...base(), fecha: day, hora: '10:00' });
    const overlap = await post({ ...base(), fecha: day, hora: '10:10' });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json()).toMatchObject({ code: 'APPOINTMENT_OVERLAP', conflictingAppointmentId: first.id });
    expect((await post({ ...base(), fecha: day, hora: '10:20' })).statusCode).toBe(201);
    expect((await post({ ...base(), doctor_id: otherDoctor.id, fecha: day, hora: '10:10' })).statusCode).toBe(201);
    const overbooked = await post({ ...base(), fecha: day, hora: '10:00', sobrecupo: true, motivoSobrecupo: 'Paciente referido urgente' });
    expect(overbooked.statusCode).toBe(201);
    expect(overbooked.json().sobrecupo).toBe(true);
    await put(first.id, { estado: 'CANCELADA' });
    expect((await post({ ...base(), fecha: day, hora: '09:50' })).statusCode).toBe(201);
  });

  it.runIf(testDbKind() === 'postgres')('lets exactly one of many concurrent bookings of one slot win', async () => {
    const day = dayFromToday(3);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => post({ ...base(), fecha: day, hora: i % 2 ? '11:00' : '11:05' })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(9);
  });

  it('follows the transition table for every move', async () => {
    const reach: Record<string, string[]> = { PENDIENTE: [], CONFIRMADA: ['CONFIRMADA'], REPROGRAMADA: ['REPROGRAMADA'], EN_CONSULTA: ['EN_CONSULTA'], CANCELADA: ['CANCELADA'] };
    const allowed: Record<string, string[]> = {
      PENDIENTE: ['CONFIRMADA', 'CANCELADA', 'REPROGRAMADA', 'EN_CONSULTA'],
      CONFIRMADA: ['EN_CONSULTA', 'CANCELADA', 'REPROGRAMADA'],
      REPROGRAMADA: ['CONFIRMADA', 'EN_CONSULTA', 'CANCELADA'],
      EN_CONSULTA: [], CANCELADA: [],
    };
    const targets = ['PENDIENTE', 'CONFIRMADA', 'EN_CONSULTA', 'ATENDIDA', 'CANCELADA', 'REPROGRAMADA'];
    let minute = 0;
    for (const [from, path] of Object.entries(reach)) {
      for (const to of targets) {
        if (to === from) continue;
        minute += 20;
        const hora = `${String(7 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        const appt = await createAppointment(t, asistente, { ...base(), fecha: dayFromToday(4), hora });
        for (const step of path) expect((await put(appt.id, { estado: step })).statusCode).toBe(200);
        const res = await put(appt.id, { estado: to });
        const expected = allowed[from]!.includes(to) ? 200 : 409;
        expect(res.statusCode, `${from} → ${to}`).toBe(expected);
        if (expected === 409) expect(res.json().code).toBe('INVALID_STATUS_TRANSITION');
      }
    }
  });

  it('marks a moved appointment REPROGRAMADA and keeps its previous slots', async () => {
    const appt = await createAppointment(t, asistente, { ...base(), fecha: dayFromToday(5), hora: '09:00' });
    await put(appt.id, { estado: 'CONFIRMADA' });
    const moved = await put(appt.id, { fecha: dayFromToday(6), hora: '15:30' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ estado: 'REPROGRAMADA', fecha: dayFromToday(6), hora: '15:30' });
    const again = await put(appt.id, { hora: '16:00' });
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${appt.id}`, headers: asistente.headers });
    expect(got.json().historial).toEqual([
      expect.objectContaining({ fecha: dayFromToday(5), hora: '09:00', estado: 'CONFIRMADA', cambiadoPor: asistente.id }),
      expect.objectContaining({ fecha: dayFromToday(6), hora: '15:30', estado: 'REPROGRAMADA' }),
    ]);
    expect(again.json().version).toBe(4);
    const cancelled = await createAppointment(t, asistente, { ...base(), fecha: dayFromToday(5), hora: '12:00' });
    await put(cancelled.id, { estado: 'CANCELADA' });
    expect((await put(cancelled.id, { hora: '13:00' })).json().code).toBe('APPOINTMENT_NOT_OPEN');
  });

  it('applies optimistic concurrency', async () => {
    const appt = await createAppointment(t, asistente, { ...base(), fecha: dayFromToday(7), hora: '09:00' });
    expect((await put(appt.id, { infoPago: 'PAGADO', version: 1 })).statusCode).toBe(200);
    expect((await put(appt.id, { infoPago: 'PENDIENTE', version: 1 })).statusCode).toBe(409);
    expect((await put(appt.id, { infoPago: 'PENDIENTE' }, asistente, { 'if-match': 'W/"1"' })).statusCode).toBe(412);
    const current = await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${appt.id}`, headers: asistente.headers });
    expect(current.json()).toMatchObject({ infoPago: 'PAGADO', version: 2 });
  });

  it('lets ASISTENTE create, MEDICO read all but update only their own, and audits old→new', async () => {
    expect((await post({ ...base(), fecha: dayFromToday(8), hora: '09:00' }, doctor)).statusCode).toBe(403);
    const own = await createAppointment(t, asistente, { ...base(), fecha: dayFromToday(8), hora: '10:00' });
    const others = await createAppointment(t, asistente, { ...base(), doctor_id: otherDoctor.id, fecha: dayFromToday(8), hora: '10:00' });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/appointments/${others.id}`, headers: doctor.headers })).statusCode).toBe(200);
    expect((await put(own.id, { estado: 'CONFIRMADA' }, doctor)).statusCode).toBe(200);
    expect((await put(others.id, { estado: 'CONFIRMADA' }, doctor)).statusCode).toBe(403);
    expect((await put(own.id, { doctor_id: otherDoctor.id }, doctor)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: admin.headers })).statusCode).toBe(403);
    const audit = await t.database.db.execute(sql`SELECT actor_id, details FROM audit_events WHERE action = 'APPOINTMENT_UPDATED' AND entity_id = ${own.id}`);
    expect(audit.rows[0]).toMatchObject({ actor_id: doctor.id, details: { changes: { estado: { old: 'PENDIENTE', new: 'CONFIRMADA' } } } });
  });
});
