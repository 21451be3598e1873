import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appointmentSchema } from '../../src/modules/appointments/appointments.schemas.js';
import { attentionDetailSchema } from '../../src/modules/attentions/attentions.schemas.js';
import { patientSchema } from '../../src/modules/patients/patients.schemas.js';
import { paginated, problemSchema } from '../../src/shared/http/schemas.js';
import { createAppointment, dayFromToday, serviceTypeId } from '../factories/appointments.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * Responses are written by stringifiers compiled from the route schemas (fast-json-stringify).
 * Each body must be exactly what the schema describes: parsing it with the Zod schema succeeds
 * (types, nulls, ISO dates) and gives back the same body (no property outside the schema).
 */
describe('response serialization', () => {
  let t: TestApp;
  let asistente: TestUser;
  let doctor: TestUser;
  let patientId: string;
  let attentionId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    patientId = (await createPatient(t, asistente, {
      nombres: 'Úrsula', apellidoPaterno: 'Peña', apellidoMaterno: null, email: null,
      alergias: [{ alergia: 'Penicilina', severidad: 'GRAVE' }],
    })).id;
    const appointment = await createAppointment(t, asistente, {
      patient_id: patientId, doctor_id: doctor.id, service_type_id: await serviceTypeId(t, asistente), fecha: dayFromToday(2), hora: '09:30',
    });
    attentionId = (await createAttention(t, doctor, { patient_id: patientId, appointment_id: appointment.id })).id;
    const vitals = await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/vitals`, headers: doctor.headers, payload: { peso: 61.5, talla: 1.58, temp: 37.2 } });
    expect(vitals.statusCode, vitals.body).toBe(201);
  });
  afterAll(async () => t.close());

  async function exactly(schema: z.ZodType, url: string, user: TestUser, status = 200) {
    const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    const parsed = schema.safeParse(body);
    expect(parsed.error?.issues ?? [], url).toEqual([]);
    expect(parsed.data).toEqual(body);
    return body;
  }

  it('writes patients, lists, appointments and attention details exactly as their schemas say', async () => {
    const patient = await exactly(patientSchema, `/api/v1/patients/${patientId}`, asistente);
    expect(patient).toMatchObject({ nombres: 'Úrsula', apellidoMaterno: null, email: null, alergias: [{ alergia: 'Penicilina' }] });
    const list = await exactly(paginated(patientSchema), '/api/v1/patients?search=ursula', asistente);
    expect(list.data.map((p: { id: string }) => p.id)).toEqual([patientId]);
    const agenda = await exactly(paginated(appointmentSchema), `/api/v1/appointments?doctor_id=${doctor.id}&limit=100`, doctor);
    expect(agenda.data[0]).toMatchObject({ patient: { id: patientId, nombreCompleto: 'Úrsula Peña' }, hora: '09:30' });
    const detail = await exactly(attentionDetailSchema, `/api/v1/medical_attentions/${attentionId}`, doctor);
    expect(detail.vitals).toMatchObject({ peso: 61.5, talla: 1.58, temp: 37.2 });
  });

  it('writes problem answers with their extra members', async () => {
    const problem = await exactly(problemSchema, '/api/v1/patients/00000000-0000-4000-8000-000000000000', asistente, 404);
    expect(problem).toMatchObject({ status: 404, code: expect.any(String) });
  });
});
