import type { DbOrTx } from '../../db/client.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import type { AppointmentRow } from './appointments.repository.js';
import type { AppointmentDto } from './appointments.schemas.js';
import type { ServiceTypesService } from './service-types.service.js';

/** Joins patients, doctors and service types in three batched queries (no N+1). */
export async function toAppointmentDtos(
  db: DbOrTx,
  rows: AppointmentRow[],
  deps: { patients: PatientsService; users: UsersService; serviceTypes: ServiceTypesService },
): Promise<AppointmentDto[]> {
  if (rows.length === 0) return [];
  const [patients, doctors, types] = await Promise.all([
    deps.patients.summariesByIds(db, rows.map((r) => r.patientId)),
    deps.users.doctorsByIds(db, rows.map((r) => r.doctorId)),
    deps.serviceTypes.findByIds(db, rows.map((r) => r.serviceTypeId)),
  ]);
  return rows.map((r) => {
    const p = patients.get(r.patientId);
    const d = doctors.get(r.doctorId);
    const st = types.get(r.serviceTypeId);
    return {
      id: r.id, appointment_id: r.id, patient_id: r.patientId, doctor_id: r.doctorId, service_type_id: r.serviceTypeId,
      fecha: r.fecha, hora: r.hora, duracionMinutos: r.duracionMinutos, descripcionServicio: r.descripcionServicio,
      estado: r.estado as AppointmentDto['estado'], infoPago: r.infoPago as AppointmentDto['infoPago'], seguro: r.seguro,
      codigoExternoCita: r.codigoExternoCita, idTransaccionVentas: r.idTransaccionVentas, sobrecupo: r.sobrecupo,
      precio: r.precio === null ? null : Number(r.precio),
      patient: {
        id: r.patientId, nombreCompleto: p?.nombreCompleto ?? '', numeroHistoriaClinica: p?.numeroHistoriaClinica ?? '',
        tipoDocumento: p?.tipoDocumento ?? '', numeroDocumento: p?.numeroDocumento ?? null,
      },
      doctor: { id: r.doctorId, nombreCompleto: d?.nombreCompleto ?? '', especialidad: d?.especialidad ?? null, cmp: d?.cmp ?? null },
      serviceType: { id: r.serviceTypeId, codigo: st?.codigo ?? '', nombre: st?.nombre ?? '', especialidad: st?.especialidad ?? '', duracionMinutos: st?.duracionMinutos ?? r.duracionMinutos },
      historial: r.historial,
      version: r.version,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}
