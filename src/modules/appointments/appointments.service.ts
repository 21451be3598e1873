import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { AppConfig } from '../../config/env.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { exclusionViolation, uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors.js';
import { limaInstant, todayInLima } from '../../shared/time.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { appointmentsRepository, type AppointmentRow } from './appointments.repository.js';
import type { AppointmentDto, CreateAppointmentInput, ListAppointmentsQuery, UpdateAppointmentInput } from './appointments.schemas.js';
import { appointments, type HistorialEntry } from './appointments.table.js';
import type { ServiceTypeRow, ServiceTypesService } from './service-types.service.js';
import { canMove, isOpen, type EstadoCita } from './status.js';
import { toAppointmentDtos } from './appointments.mapper.js';
import { AppointmentsIntegrations } from './appointments.billing.js';

export type AppointmentEventType = 'appointment.created' | 'appointment.rescheduled' | 'appointment.cancelled';
export type AppointmentListener = (tx: Tx, type: AppointmentEventType, row: AppointmentRow) => Promise<void>;

export interface InsertOptions {
  allowPast?: boolean;
  idTransaccionVentas?: string | null;
  /** Origin recorded in the audit trail (e.g. the billing webhook). */
  origin?: string;
  /**
   * The caller already holds, in this transaction, the live patient (locked or just created),
   * the active doctor and this active service type (the billing webhook resolves all three
   * first): their look-ups are not repeated.
   */
  verified?: { serviceType: ServiceTypeRow };
}

function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * 60_000);
}

export class AppointmentsService {
  private readonly listeners: AppointmentListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly serviceTypes: ServiceTypesService,
    private readonly config: AppConfig,
  ) {
    patients.onMerge(async (tx, fromId, intoId) => {
      const moved = await tx.update(appointments).set({ patientId: intoId, updatedAt: new Date() }).where(eq(appointments.patientId, fromId)).returning({ id: appointments.id });
      return { appointments: moved.length };
    });
  }

  private integrationsPort?: AppointmentsIntegrations;

  /** Billing reconciliation and the patient summary's reads, inside the caller's transaction (appointments.billing.ts). */
  get integrations(): AppointmentsIntegrations {
    return (this.integrationsPort ??= new AppointmentsIntegrations(this, this.audit, (tx, type, row) => this.emit(tx, type, row)));
  }

  onEvent(listener: AppointmentListener): void {
    this.listeners.push(listener);
  }

  private async emit(tx: Tx, type: AppointmentEventType, row: AppointmentRow): Promise<void> {
    for (const listener of this.listeners) await listener(tx, type, row);
  }

  async toDtos(db: DbOrTx, rows: AppointmentRow[]): Promise<AppointmentDto[]> {
    return toAppointmentDtos(db, rows, { patients: this.patients, users: this.users, serviceTypes: this.serviceTypes });
  }

  private checkDate(fecha: string, allowPast: boolean | undefined): void {
    if (allowPast) return;
    const limit = new Date(`${todayInLima()}T00:00:00Z`);
    limit.setUTCDate(limit.getUTCDate() - this.config.APPOINTMENT_MAX_PAST_DAYS);
    if (fecha < limit.toISOString().slice(0, 10)) {
      throw new ValidationError([{ path: 'fecha', message: `La fecha no puede ser anterior a ${this.config.APPOINTMENT_MAX_PAST_DAYS} días atrás.` }]);
    }
  }

  private async overlapError(error: unknown, doctorId: string, startsAt: Date, endsAt: Date, excludeId?: string): Promise<never> {
    if (exclusionViolation(error) !== undefined) {
      const clash = await appointmentsRepository.findOverlap(this.db, doctorId, startsAt, endsAt, excludeId);
      throw new ConflictError('APPOINTMENT_OVERLAP',
        `El médico ya tiene una cita que se cruza con ese horario${clash ? ` (${clash.fecha} ${clash.hora})` : ''}. Elija otro horario o marque sobrecupo.`,
        { conflictingAppointmentId: clash?.id ?? null }, [{ path: 'hora', message: 'Horario ocupado' }]);
    }
    if (uniqueViolation(error) === 'appointments_codigo_externo_key') {
      throw new ConflictError('EXTERNAL_CODE_TAKEN', 'Ya existe una cita con ese codigoExternoCita.', undefined, [{ path: 'codigoExternoCita', message: 'Código ya usado' }]);
    }
    throw error;
  }

  /** The live patient, the active doctor and the active service type the new appointment names. */
  private async checkReferences(tx: Tx, input: CreateAppointmentInput): Promise<ServiceTypeRow> {
    await this.patients.require(tx, input.patient_id).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) throw new ValidationError([{ path: 'patient_id', message: e.code === 'PATIENT_MERGED' ? 'El paciente fue fusionado con otro; use el registro vigente.' : 'El paciente no existe.' }]);
      throw e;
    });
    await this.users.requireActiveDoctor(tx, input.doctor_id);
    return this.serviceTypes.requireActive(tx, input.service_type_id);
  }

  /** Inserts inside the caller's transaction; the billing webhook reuses it. */
  async insert(tx: Tx, actor: AuditActor, input: CreateAppointmentInput, options: InsertOptions = {}): Promise<AppointmentRow> {
    this.checkDate(input.fecha, options.allowPast);
    const serviceType = options.verified?.serviceType ?? await this.checkReferences(tx, input);
    const startsAt = limaInstant(input.fecha, input.hora);
    // The audit row travels in the INSERT itself (one round trip less in the caller's transaction).
    const id = randomUUID();
    const audit = this.audit.rowsParam(actor, {
      action: 'APPOINTMENT_CREATED', entity: 'appointment', entityId: id, patientId: input.patient_id,
      details: { doctor_id: input.doctor_id, fecha: input.fecha, hora: input.hora, estado: input.estado, infoPago: input.infoPago, sobrecupo: input.sobrecupo, origen: options.origin ?? 'HCE' },
    });
    const row = await appointmentsRepository.insertAudited(tx, {
      id,
      patientId: input.patient_id,
      doctorId: input.doctor_id,
      serviceTypeId: serviceType.id,
      fecha: input.fecha,
      hora: input.hora,
      startsAt,
      endsAt: addMinutes(startsAt, serviceType.duracionMinutos),
      duracionMinutos: serviceType.duracionMinutos,
      descripcionServicio: input.descripcionServicio ?? serviceType.nombre,
      infoPago: input.infoPago,
      estado: input.estado,
      seguro: input.seguro ?? null,
      codigoExternoCita: input.codigoExternoCita ?? null,
      idTransaccionVentas: options.idTransaccionVentas ?? null,
      sobrecupo: input.sobrecupo,
      motivoSinCupo: input.motivoSobrecupo ?? null,
      precio: serviceType.precio,
      createdBy: actor.actorId ?? null,
      updatedBy: actor.actorId ?? null,
    }, audit);
    await this.emit(tx, 'appointment.created', row);
    return row;
  }

  async create(actor: AuditActor, input: CreateAppointmentInput): Promise<AppointmentDto> {
    const startsAt = limaInstant(input.fecha, input.hora);
    try {
      const row = await this.db.transaction((tx) => this.insert(tx, actor, input));
      return (await this.toDtos(this.db, [row]))[0]!;
    } catch (error) {
      if (error instanceof AppError) throw error;
      const serviceType = await this.serviceTypes.find(this.db, input.service_type_id);
      return this.overlapError(error, input.doctor_id, startsAt, addMinutes(startsAt, serviceType?.duracionMinutos ?? 20));
    }
  }

  async get(actor: AuditActor, id: string): Promise<AppointmentDto> {
    const row = await appointmentsRepository.findById(this.db, id);
    if (!row) throw new NotFoundError('APPOINTMENT_NOT_FOUND', 'La cita no existe.');
    await this.audit.recordRead(actor, { action: 'APPOINTMENT_VIEWED', entity: 'appointment', entityId: id, patientId: row.patientId });
    return (await this.toDtos(this.db, [row]))[0]!;
  }

  async list(actor: AuditActor, q: ListAppointmentsQuery) {
    let serviceTypeId: string | undefined;
    if (q.service_type) {
      const st = await this.serviceTypes.findByCodeOrId(this.db, q.service_type);
      if (!st) return { data: [], total: 0, limit: q.limit, offset: q.offset };
      serviceTypeId = st.id;
    }
    const { rows, total } = await appointmentsRepository.list(this.db, {
      doctorId: q.doctor_id, patientId: q.patient_id,
      startDate: q.date ?? q.start_date, endDate: q.date ?? q.end_date,
      estado: q.status ?? q.estado, serviceTypeId, infoPago: q.infoPago, limit: q.limit, offset: q.offset,
    });
    const data = await this.toDtos(this.db, rows);
    await this.audit.recordRead(actor, {
      action: 'APPOINTMENT_LIST', entity: 'appointment', patientId: q.patient_id ?? null,
      details: { ids: rows.map((r) => r.id), patientIds: [...new Set(rows.map((r) => r.patientId))], total },
    });
    return { data, total, limit: q.limit, offset: q.offset };
  }

  async update(actor: AuditActor, user: AuthUser, id: string, input: UpdateAppointmentInput, ifMatch?: string): Promise<AppointmentDto> {
    let slot: { doctorId: string; startsAt: Date; endsAt: Date } | undefined;
    try {
      const row = await this.db.transaction(async (tx) => {
        const current = await appointmentsRepository.findByIdForUpdate(tx, id);
        if (!current) throw new NotFoundError('APPOINTMENT_NOT_FOUND', 'La cita no existe.');
        if (user.role === 'MEDICO') {
          if (current.doctorId !== user.id) throw new ForbiddenError('NOT_OWN_APPOINTMENT', 'Un médico solo puede actualizar sus propias citas.');
          if (input.doctor_id !== undefined && input.doctor_id !== current.doctorId) throw new ForbiddenError('FORBIDDEN', 'Un médico no puede reasignar la cita a otro médico.');
        }
        if (ifMatch !== undefined && ifMatch.trim() !== '*' && !ifMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(`"${current.version}"`)) {
          throw new PreconditionFailedError('La cita cambió desde que la leyó (If-Match no coincide).');
        }
        if (input.version !== undefined && input.version !== current.version) {
          throw new ConflictError('VERSION_CONFLICT', 'La cita fue modificada por otra persona; recargue y vuelva a intentar.', { currentVersion: current.version });
        }
        return this.applyUpdate(tx, actor, current, input, (s) => { slot = s; });
      });
      return (await this.toDtos(this.db, [row]))[0]!;
    } catch (error) {
      if (error instanceof AppError || !slot) throw error;
      return this.overlapError(error, slot.doctorId, slot.startsAt, slot.endsAt, id);
    }
  }

  private async applyUpdate(tx: Tx, actor: AuditActor, current: AppointmentRow, input: UpdateAppointmentInput, onSlot: (s: { doctorId: string; startsAt: Date; endsAt: Date }) => void): Promise<AppointmentRow> {
    const from = current.estado as EstadoCita;
    const fecha = input.fecha ?? current.fecha;
    const hora = input.hora ?? current.hora;
    const doctorId = input.doctor_id ?? current.doctorId;
    const timeChanged = fecha !== current.fecha || hora !== current.hora;
    const slotChanged = timeChanged || doctorId !== current.doctorId;
    let estado: EstadoCita = from;
    const historial: HistorialEntry[] = [...current.historial];
    if (slotChanged) {
      if (!isOpen(from)) throw new ConflictError('APPOINTMENT_NOT_OPEN', `Una cita ${from} no se puede reprogramar.`, { estado: from });
      this.checkDate(fecha, false);
      if (doctorId !== current.doctorId) await this.users.requireActiveDoctor(tx, doctorId);
      historial.push({ fecha: current.fecha, hora: current.hora, doctor_id: current.doctorId, estado: from, cambiadoEn: new Date().toISOString(), cambiadoPor: actor.actorId ?? null });
      if (timeChanged) estado = 'REPROGRAMADA';
    }
    if (input.estado !== undefined && input.estado !== estado) {
      if (input.estado === 'ATENDIDA') throw new ConflictError('INVALID_STATUS_TRANSITION', 'Una cita pasa a ATENDIDA solo al finalizar la atención médica.', { from: estado, to: input.estado });
      if (!canMove(estado, input.estado)) throw new ConflictError('INVALID_STATUS_TRANSITION', `No se puede pasar una cita de ${estado} a ${input.estado}.`, { from: estado, to: input.estado });
      estado = input.estado;
    }
    const infoPago = input.infoPago ?? current.infoPago;
    const seguro = input.seguro !== undefined ? input.seguro : current.seguro;
    if (infoPago === 'SEGURO' && !seguro) throw new ValidationError([{ path: 'seguro', message: 'Con infoPago SEGURO indique los datos del seguro.' }]);
    const startsAt = limaInstant(fecha, hora);
    const endsAt = addMinutes(startsAt, current.duracionMinutos);
    onSlot({ doctorId, startsAt, endsAt });
    const values = {
      fecha, hora, doctorId, estado, infoPago, seguro: infoPago === 'SEGURO' ? seguro : null, startsAt, endsAt, historial,
      ...(input.descripcionServicio !== undefined ? { descripcionServicio: input.descripcionServicio } : {}),
      ...(input.codigoExternoCita !== undefined ? { codigoExternoCita: input.codigoExternoCita } : {}),
      ...(input.sobrecupo !== undefined ? { sobrecupo: input.sobrecupo } : {}),
    };
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    for (const [key, value] of Object.entries(values)) {
      if (key === 'historial' || key === 'startsAt' || key === 'endsAt') continue;
      const old = (current as Record<string, unknown>)[key];
      if (JSON.stringify(old) !== JSON.stringify(value)) changes[key === 'doctorId' ? 'doctor_id' : key] = { old, new: value };
    }
    if (Object.keys(changes).length === 0) return current;
    const [row] = await tx.update(appointments).set({ ...values, version: sql`${appointments.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
      .where(eq(appointments.id, current.id)).returning();
    await this.audit.record(tx, actor, { action: 'APPOINTMENT_UPDATED', entity: 'appointment', entityId: current.id, patientId: current.patientId, details: { changes } });
    if (estado === 'CANCELADA' && from !== 'CANCELADA') await this.emit(tx, 'appointment.cancelled', row!);
    else if (slotChanged) await this.emit(tx, 'appointment.rescheduled', row!);
    return row!;
  }

  /** Moves driven by the clinical record: → EN_CONSULTA on attention, → ATENDIDA on finalization. */
  async moveInternal(tx: Tx, actor: AuditActor, id: string, to: 'EN_CONSULTA' | 'ATENDIDA'): Promise<AppointmentRow> {
    const current = await appointmentsRepository.findByIdForUpdate(tx, id);
    if (!current) throw new NotFoundError('APPOINTMENT_NOT_FOUND', 'La cita no existe.');
    const from = current.estado as EstadoCita;
    if (from === to) return current;
    const allowed = to === 'ATENDIDA' ? from === 'EN_CONSULTA' : canMove(from, 'EN_CONSULTA');
    if (!allowed) throw new ConflictError('INVALID_STATUS_TRANSITION', `La cita está ${from} y no puede pasar a ${to}.`, { from, to });
    const [row] = await tx.update(appointments).set({ estado: to, version: sql`${appointments.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
      .where(eq(appointments.id, id)).returning();
    await this.audit.record(tx, actor, { action: 'APPOINTMENT_UPDATED', entity: 'appointment', entityId: id, patientId: current.patientId, details: { changes: { estado: { old: from, new: to } }, origen: 'ATENCION' } });
    return row!;
  }

  async findRow(db: DbOrTx, id: string): Promise<AppointmentRow | undefined> {
    return appointmentsRepository.findById(db, id);
  }
}
