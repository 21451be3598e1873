import type { TestApp } from '../helpers/app.js';
import { createAppointment } from '../factories/appointments.js';
import type { TestUser } from '../factories/users.js';

/** Thin HTTP helpers for building a report dataset through the API, as the clinic would. */
export function api(t: TestApp) {
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) => {
    const res = await call(method, url, user, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
  return { call, ok };
}

export interface VisitOptions {
  doctor: TestUser;
  patientId: string;
  /** Lima wall-clock date and time. */
  fecha: string;
  hora?: string;
  /** With an appointment of this service type; without one the attention is an EMERGENCIA. */
  serviceTypeId?: string;
  asistente?: TestUser;
  infoPago?: 'PAGADO' | 'PENDIENTE' | 'SEGURO';
  seguro?: Record<string, unknown>;
  diagnoses?: { cie_code: string; type: 'PRESUNTIVO' | 'DEFINITIVO' | 'DESCARTADO'; fechaInicioSintomas?: string }[];
  orders?: { tipo: string; detalle: string; procedure_code?: string }[];
  finalize?: boolean;
}

/** One visit: optional appointment, the attention on that date, diagnoses, orders, finalization. */
export async function visit(t: TestApp, o: VisitOptions) {
  const { ok } = api(t);
  const hora = o.hora ?? '09:00';
  let appointmentId: string | undefined;
  if (o.serviceTypeId) {
    const appt = await createAppointment(t, o.asistente!, {
      patient_id: o.patientId, doctor_id: o.doctor.id, service_type_id: o.serviceTypeId, fecha: o.fecha, hora,
      infoPago: o.infoPago ?? 'PAGADO', ...(o.seguro ? { seguro: o.seguro } : {}),
    });
    appointmentId = appt.id;
  }
  const attention = await ok('POST', '/api/v1/medical_attentions', o.doctor, {
    patient_id: o.patientId, tipoAtencion: appointmentId ? 'CONSULTA' : 'EMERGENCIA', motivoConsulta: 'Malestar general',
    fechaAtencion: `${o.fecha}T${hora}:00-05:00`, ...(appointmentId ? { appointment_id: appointmentId } : {}),
  });
  const diagnoses = [];
  for (const dx of o.diagnoses ?? []) diagnoses.push(await ok('POST', `/api/v1/medical_attentions/${attention.id}/diagnoses`, o.doctor, dx));
  for (const order of o.orders ?? []) await ok('POST', `/api/v1/medical_attentions/${attention.id}/orders`, o.doctor, order);
  const finalized = o.finalize === false ? attention : await ok('PUT', `/api/v1/medical_attentions/${attention.id}/finalize`, o.doctor);
  return { id: attention.id as string, appointmentId, diagnoses, finalizedAt: finalized.finalizedAt as string | null };
}
