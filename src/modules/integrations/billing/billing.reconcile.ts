import type { Tx } from '../../../db/client.js';
import { ConflictError, UnprocessableError } from '../../../shared/errors.js';
import { limaInstant } from '../../../shared/time.js';
import type { AppointmentRow } from '../../appointments/appointments.repository.js';
import type { AppointmentsService } from '../../appointments/appointments.service.js';
import type { ServiceTypeRow, ServiceTypesService } from '../../appointments/service-types.service.js';
import type { AuditActor } from '../../audit/audit.service.js';
import type { PatientRow } from '../../patients/patients.mapper.js';
import type { DoctorSummary, UsersService } from '../../users/users.service.js';
import type { BillingTransactionRow } from './billing.repository.js';
import { RECONCILIACIONES, type Reconciliacion, type SaleInput } from './billing.schemas.js';

export interface ReconcileDeps {
  appointments: AppointmentsService;
  users: UsersService;
  serviceTypes: ServiceTypesService;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOCTOR_PATH = 'servicioMedico.medicoAsignadoIdentificador';

/** The billing system's doctor identifier → one active MEDICO, or 422 before anything is written. */
export async function mapDoctor(deps: ReconcileDeps, tx: Tx, identifier: string): Promise<DoctorSummary> {
  const found = await deps.users.findDoctorByIdentifier(tx, identifier);
  const unique = [...new Map(found.map((d) => [d.id, d])).values()];
  if (unique.length === 0) {
    // The identifier may be a document number: never echoed back.
    throw new UnprocessableError('DOCTOR_NOT_MAPPED', 'Ningún médico activo del HCE tiene ese código externo, CMP o número de documento.',
      [{ path: DOCTOR_PATH, message: 'Médico no encontrado en el HCE' }]);
  }
  if (unique.length > 1) {
    throw new UnprocessableError('DOCTOR_AMBIGUOUS', 'El identificador corresponde a varios médicos del HCE (código externo de uno, CMP o documento de otro); use el código externo.',
      [{ path: DOCTOR_PATH, message: `Coincide con ${unique.length} médicos` }], { doctor_ids: unique.map((d) => d.id) });
  }
  return unique[0]!;
}

/** A codigo for a service type born in billing: derived from its sales code, made unique. */
async function freeCode(deps: ReconcileDeps, tx: Tx, salesCode: string): Promise<string> {
  const base = `VTA-${salesCode.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`.slice(0, 26).replace(/-+$/, '');
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}-${n + 1}`;
    if (!(await deps.serviceTypes.findByCodeOrId(tx, candidate))) return candidate;
  }
}

/** idServicioVentas → the service type with that codigoVentas; an unknown one is created (origen COBRANZA, audited). */
export async function mapServiceType(deps: ReconcileDeps, tx: Tx, actor: AuditActor, sale: SaleInput, doctor: DoctorSummary): Promise<ServiceTypeRow> {
  const { idServicioVentas, nombreServicio } = sale.servicioMedico;
  const known = await deps.serviceTypes.findBySalesCode(tx, idServicioVentas);
  if (known) return known;
  return deps.serviceTypes.create(actor, {
    codigo: await freeCode(deps, tx, idServicioVentas), codigoVentas: idServicioVentas, nombre: nombreServicio,
    especialidad: doctor.especialidad ?? 'General', precio: sale.transaccionVenta.montoPagado,
  }, tx, 'COBRANZA');
}

export interface Reconciled {
  appointment: AppointmentRow | null;
  via: Reconciliacion | null;
  created: boolean;
  changed: boolean;
  observaciones: string[];
}

interface Context {
  sale: SaleInput;
  patient: PatientRow;
  doctor: DoctorSummary;
  serviceType: ServiceTypeRow;
  previous: BillingTransactionRow | undefined;
}

function otherPatient(path: string): UnprocessableError {
  return new UnprocessableError('APPOINTMENT_OTHER_PATIENT', 'La cita indicada pertenece a otro paciente del HCE.', [{ path, message: 'Cita de otro paciente' }]);
}

/** The document's order: (1) referenciaCitaHCE, (2) codigoExternoCita, (3) same patient, doctor, date and time. */
async function findAppointment(deps: ReconcileDeps, tx: Tx, c: Context): Promise<{ row: AppointmentRow; via: Reconciliacion } | undefined> {
  const port = deps.appointments.integrations;
  const id = c.sale.transaccionVenta.idTransaccionVentas;
  if (c.previous?.appointmentId) {
    // A later delivery of a known transaction updates the appointment it already settled.
    const row = (await port.findForUpdate(tx, c.previous.appointmentId))!;
    if (row.patientId !== c.patient.id) {
      throw new UnprocessableError('TRANSACTION_PATIENT_CHANGED', 'Esta transacción ya está asociada a otro paciente; anúlela y registre una venta nueva.',
        [{ path: 'paciente.numeroDocumento', message: 'Distinto del paciente de la transacción' }]);
    }
    return { row, via: RECONCILIACIONES.find((r) => r === c.previous?.reconciliacion) ?? 'NUEVA' };
  }
  let found: { row: AppointmentRow; via: Reconciliacion } | undefined;
  const ref = c.sale.referenciaCitaHCE;
  if (ref && UUID.test(ref)) {
    const row = await port.findForUpdate(tx, ref);
    if (row && row.patientId !== c.patient.id) throw otherPatient('referenciaCitaHCE');
    if (row) found = { row, via: 'REFERENCIA_HCE' };
  }
  const code = c.sale.servicioMedico.codigoExternoCita;
  if (!found && code) {
    const row = await port.findByExternalCodeForUpdate(tx, code);
    if (row && row.patientId !== c.patient.id) throw otherPatient('servicioMedico.codigoExternoCita');
    if (row) found = { row, via: 'CODIGO_EXTERNO' };
  }
  if (!found) {
    const { fechaCita: fecha, horaCita: hora } = c.sale.servicioMedico;
    const row = await port.findSlotMatch(tx, { patientId: c.patient.id, doctorId: c.doctor.id, fecha, hora, idTransaccionVentas: id });
    if (row) found = { row, via: 'COINCIDENCIA' };
  }
  const linked = found?.row.idTransaccionVentas;
  if (found && linked && linked !== id && found.row.infoPago !== 'ANULADO') {
    throw new ConflictError('APPOINTMENT_ALREADY_BILLED', 'La cita ya está asociada a otra transacción de venta vigente.', { appointment_id: found.row.id },
      [{ path: found.via === 'REFERENCIA_HCE' ? 'referenciaCitaHCE' : 'servicioMedico.codigoExternoCita', message: 'Cita ya pagada con otra transacción' }]);
  }
  return found;
}

/** A codigoExternoCita the sale may still give the appointment (never one another appointment holds). */
async function usableCode(deps: ReconcileDeps, tx: Tx, code: string | null | undefined, appointmentId: string | null, notes: string[]): Promise<string | null> {
  if (!code) return null;
  const holder = await deps.appointments.integrations.findByExternalCodeForUpdate(tx, code);
  if (holder && holder.id !== appointmentId) {
    notes.push('El codigoExternoCita ya pertenece a otra cita del HCE; no se asignó.');
    return null;
  }
  return code;
}

/**
 * Finds or creates the sale's appointment and records the payment on it. A matched
 * appointment is never moved (differences are noted for the reconciliation report); its
 * estado changes only where the agenda's transition table allows.
 */
export async function reconcileAppointment(deps: ReconcileDeps, tx: Tx, actor: AuditActor, c: Context): Promise<Reconciled> {
  const port = deps.appointments.integrations;
  const notes: string[] = [];
  const { transaccionVenta: tv, servicioMedico: sm } = c.sale;
  const infoPago = tv.estadoPago;
  const paid = infoPago === 'PAGADO' || infoPago === 'SEGURO';
  const found = await findAppointment(deps, tx, c);
  if (found) {
    const { row } = found;
    if (row.doctorId !== c.doctor.id || row.fecha !== sm.fechaCita || row.hora !== sm.horaCita) {
      notes.push(`La venta indica otro médico, fecha u hora que la cita (${row.fecha} ${row.hora}); la cita no se reprograma desde cobranza.`);
    }
    if (row.serviceTypeId !== c.serviceType.id) notes.push('La venta es de otro servicio que el de la cita.');
    if (sm.codigoExternoCita && row.codigoExternoCita && sm.codigoExternoCita !== row.codigoExternoCita) notes.push('La cita ya tiene otro codigoExternoCita; se conserva.');
    const code = row.codigoExternoCita ? null : await usableCode(deps, tx, sm.codigoExternoCita, row.id, notes);
    const result = await port.applySale(tx, actor, row, {
      infoPago, idTransaccionVentas: tv.idTransaccionVentas, codigoExternoCita: code, seguro: tv.seguro ?? null,
      estado: infoPago === 'ANULADO' ? 'CANCELADA' : paid ? 'CONFIRMADA' : null,
    });
    if (result.estadoRefused && infoPago === 'ANULADO' && row.estado !== 'CANCELADA') {
      notes.push(`Venta anulada con la cita ${row.estado}: no se cancela; queda para conciliación.`);
    } else if (result.estadoRefused && row.estado === 'CANCELADA') {
      notes.push('La cita está CANCELADA: el pago no la reabre; queda para conciliación.');
    }
    return { appointment: result.row, via: found.via, created: false, changed: result.changed, observaciones: notes };
  }
  if (infoPago === 'ANULADO') {
    notes.push('Venta anulada sin cita correspondiente en el HCE.');
    return { appointment: null, via: null, created: false, changed: false, observaciones: notes };
  }
  if (!c.serviceType.activo) {
    throw new UnprocessableError('SERVICE_TYPE_INACTIVE', 'El servicio de la venta corresponde a un tipo de servicio inactivo en el HCE.',
      [{ path: 'servicioMedico.idServicioVentas', message: 'Tipo de servicio inactivo' }]);
  }
  const startsAt = limaInstant(sm.fechaCita, sm.horaCita);
  const holder = await port.slotHolder(tx, c.doctor.id, startsAt, new Date(startsAt.getTime() + c.serviceType.duracionMinutos * 60_000));
  if (holder?.patientId === c.patient.id) notes.push('El paciente ya tenía una cita con ese médico en ese horario (posible doble cobro).');
  const row = await port.create(tx, actor, {
    patient_id: c.patient.id, doctor_id: c.doctor.id, fecha: sm.fechaCita, hora: sm.horaCita, service_type_id: c.serviceType.id,
    descripcionServicio: sm.nombreServicio, infoPago, estado: paid ? 'CONFIRMADA' : 'PENDIENTE', seguro: tv.seguro ?? null,
    codigoExternoCita: await usableCode(deps, tx, sm.codigoExternoCita, null, notes),
    // The payment is real even when the slot is taken: booked as overbooking rather than refused.
    sobrecupo: Boolean(holder), ...(holder ? { motivoSobrecupo: 'Venta registrada en cobranza con el horario ya ocupado' } : {}),
  }, { allowPast: true, idTransaccionVentas: tv.idTransaccionVentas, origin: 'COBRANZA', verified: { serviceType: c.serviceType } });
  return { appointment: row, via: 'NUEVA', created: true, changed: true, observaciones: notes };
}
