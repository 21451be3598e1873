import type { DbOrTx } from '../../../db/client.js';
import type { AppointmentRow } from '../../appointments/appointments.repository.js';
import type { ServiceTypesService } from '../../appointments/service-types.service.js';
import type { AttentionRow } from '../../attentions/attentions.mapper.js';
import type { PatientsService } from '../../patients/patients.service.js';
import type { UsersService } from '../../users/users.service.js';

/** What billing is told about an appointment or a finalized attention (a snapshot at commit). */
export interface EventSources {
  patients: PatientsService;
  users: UsersService;
  serviceTypes: ServiceTypesService;
}

// Sequential on purpose: inside a transaction every query shares one connection.
async function people(db: DbOrTx, src: EventSources, patientId: string, doctorId: string) {
  const patients = await src.patients.summariesByIds(db, [patientId]);
  const doctors = await src.users.doctorsByIds(db, [doctorId]);
  const p = patients.get(patientId);
  const d = doctors.get(doctorId);
  return {
    paciente: {
      patient_id: patientId, numeroHistoriaClinica: p?.numeroHistoriaClinica ?? null, tipoDocumento: p?.tipoDocumento ?? null,
      numeroDocumento: p?.numeroDocumento ?? null, nombreCompleto: p?.nombreCompleto ?? null,
    },
    medico: { doctor_id: doctorId, nombreCompleto: d?.nombreCompleto ?? null, cmp: d?.cmp ?? null },
  };
}

export async function appointmentEventData(db: DbOrTx, src: EventSources, row: AppointmentRow): Promise<Record<string, unknown>> {
  const who = await people(db, src, row.patientId, row.doctorId);
  const st = await src.serviceTypes.find(db, row.serviceTypeId);
  const previous = row.historial.at(-1);
  return {
    appointment_id: row.id, estado: row.estado, infoPago: row.infoPago, fecha: row.fecha, hora: row.hora, duracionMinutos: row.duracionMinutos,
    descripcionServicio: row.descripcionServicio, sobrecupo: row.sobrecupo, precio: row.precio === null ? null : Number(row.precio), moneda: 'PEN',
    codigoExternoCita: row.codigoExternoCita, idTransaccionVentas: row.idTransaccionVentas,
    servicio: { service_type_id: row.serviceTypeId, codigo: st?.codigo ?? null, codigoVentas: st?.codigoVentas ?? null, nombre: st?.nombre ?? null },
    ...who,
    anterior: previous ? { fecha: previous.fecha, hora: previous.hora, doctor_id: previous.doctor_id } : null,
  };
}

/** The service was rendered: what billing needs to close the sale (never diagnoses or notes). */
export async function attentionEventData(db: DbOrTx, src: EventSources, attention: AttentionRow, appointment: AppointmentRow | undefined): Promise<Record<string, unknown>> {
  const who = await people(db, src, attention.patientId, attention.doctorId);
  const st = appointment ? await src.serviceTypes.find(db, appointment.serviceTypeId) : undefined;
  return {
    attention_id: attention.id, tipoAtencion: attention.tipoAtencion, fechaAtencion: attention.fechaAtencion.toISOString(),
    finalizedAt: attention.finalizedAt?.toISOString() ?? null,
    ...who,
    cita: appointment ? {
      appointment_id: appointment.id, fecha: appointment.fecha, hora: appointment.hora, infoPago: appointment.infoPago,
      codigoExternoCita: appointment.codigoExternoCita, idTransaccionVentas: appointment.idTransaccionVentas,
      servicio: { service_type_id: appointment.serviceTypeId, codigo: st?.codigo ?? null, codigoVentas: st?.codigoVentas ?? null, nombre: st?.nombre ?? null },
    } : null,
  };
}
