import { and, asc, eq, gte, ne, notInArray, or, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { appointmentsRepository, type AppointmentRow } from './appointments.repository.js';
import type { CreateAppointmentInput } from './appointments.schemas.js';
import type { AppointmentEventType, AppointmentsService, InsertOptions } from './appointments.service.js';
import { appointments, type Seguro } from './appointments.table.js';
import { canMove, type EstadoCita, type InfoPago } from './status.js';

export interface SaleChange {
  infoPago: InfoPago;
  idTransaccionVentas: string;
  /** Set only when the appointment has none (a stored code is never overwritten). */
  codigoExternoCita?: string | null | undefined;
  seguro?: Seguro | null | undefined;
  /** Where the sale wants the appointment: CONFIRMADA (paid), CANCELADA (annulled) or unchanged. */
  estado: 'CONFIRMADA' | 'CANCELADA' | null;
}

export interface SaleResult {
  row: AppointmentRow;
  changed: boolean;
  /** The sale asked for an estado the agenda's transition table does not allow from here. */
  estadoRefused: boolean;
}

/**
 * What the integrations need from the agenda, inside their own transaction: the billing
 * webhook's reconciliation (find, create, apply a payment) and the patient summary's read
 * of upcoming appointments. Estado changes go through the agenda's transition table and
 * emit the same events as any other change.
 */
export class AppointmentsIntegrations {
  constructor(
    private readonly service: AppointmentsService,
    private readonly audit: AuditService,
    private readonly emit: (tx: Tx, type: AppointmentEventType, row: AppointmentRow) => Promise<void>,
  ) {}

  findForUpdate(tx: Tx, id: string): Promise<AppointmentRow | undefined> {
    return appointmentsRepository.findByIdForUpdate(tx, id);
  }

  async findByExternalCodeForUpdate(tx: Tx, code: string): Promise<AppointmentRow | undefined> {
    const statement = prepared(tx, 'appointments_by_external_code_for_update', (root) => root.select().from(appointments)
      .where(eq(appointments.codigoExternoCita, sql.placeholder('code'))).limit(1).for('update').prepare('appointments_by_external_code_for_update'));
    const [row] = await statement.execute({ code });
    return row;
  }

  /**
   * The patient's appointment with that doctor at that date and time: a PENDIENTE one first,
   * else any other not cancelled. Appointments already paid through another (not annulled)
   * transaction are not candidates: that would move a second payment onto them.
   */
  async findSlotMatch(tx: Tx, slot: { patientId: string; doctorId: string; fecha: string; hora: string; idTransaccionVentas: string }): Promise<AppointmentRow | undefined> {
    const statement = prepared(tx, 'appointments_slot_match', (root) => root.select().from(appointments).where(and(
      eq(appointments.patientId, sql.placeholder('patientId')), eq(appointments.doctorId, sql.placeholder('doctorId')),
      eq(appointments.fecha, sql.placeholder('fecha')), eq(appointments.hora, sql.placeholder('hora')), ne(appointments.estado, 'CANCELADA'),
      or(sql`${appointments.idTransaccionVentas} IS NULL`, eq(appointments.idTransaccionVentas, sql.placeholder('idTransaccionVentas')), eq(appointments.infoPago, 'ANULADO')),
    )).orderBy(sql`${appointments.estado} = 'PENDIENTE' DESC`, asc(appointments.createdAt)).limit(1).for('update').prepare('appointments_slot_match'));
    const [row] = await statement.execute(slot);
    return row;
  }

  /** The appointment holding that doctor's slot, if any (what makes a new one an overbooking). */
  slotHolder(db: DbOrTx, doctorId: string, startsAt: Date, endsAt: Date): Promise<AppointmentRow | undefined> {
    return appointmentsRepository.findOverlap(db, doctorId, startsAt, endsAt);
  }

  create(tx: Tx, actor: AuditActor, input: CreateAppointmentInput, options: InsertOptions): Promise<AppointmentRow> {
    return this.service.insert(tx, actor, input, options);
  }

  /** Records a sale on an appointment: payment, transaction and the estado the table allows. */
  async applySale(tx: Tx, actor: AuditActor, current: AppointmentRow, sale: SaleChange): Promise<SaleResult> {
    const from = current.estado as EstadoCita;
    const wanted = sale.estado !== null && sale.estado !== from ? sale.estado : null;
    const estado: EstadoCita = wanted && canMove(from, wanted) ? wanted : from;
    const values = {
      infoPago: sale.infoPago,
      idTransaccionVentas: sale.idTransaccionVentas,
      estado,
      seguro: sale.infoPago === 'SEGURO' ? (sale.seguro ?? current.seguro) : null,
      codigoExternoCita: current.codigoExternoCita ?? sale.codigoExternoCita ?? null,
    };
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    for (const [key, value] of Object.entries(values)) {
      const old = (current as Record<string, unknown>)[key] ?? null;
      if (canonicalJson(old) !== canonicalJson(value)) changes[key] = { old, new: value };
    }
    const estadoRefused = wanted !== null && estado !== wanted;
    if (Object.keys(changes).length === 0) return { row: current, changed: false, estadoRefused };
    const [row] = await tx.update(appointments).set({ ...values, version: sql`${appointments.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
      .where(eq(appointments.id, current.id)).returning();
    await this.audit.record(tx, actor, { action: 'APPOINTMENT_UPDATED', entity: 'appointment', entityId: current.id, patientId: current.patientId, details: { changes, origen: 'COBRANZA' } });
    if (estado === 'CANCELADA' && from !== 'CANCELADA') await this.emit(tx, 'appointment.cancelled', row!);
    return { row: row!, changed: true, estadoRefused };
  }

  /** Not yet attended nor cancelled, from `fromDate` on, soonest first (no audit: the caller audits its view). */
  async upcoming(db: DbOrTx, patientId: string, fromDate: string, limit: number): Promise<AppointmentRow[]> {
    const statement = prepared(db, 'appointments_upcoming_of_patient', (root) => root.select().from(appointments).where(and(
      eq(appointments.patientId, sql.placeholder('patientId')), gte(appointments.fecha, sql.placeholder('fromDate')), notInArray(appointments.estado, ['CANCELADA', 'ATENDIDA']),
    )).orderBy(asc(appointments.fecha), asc(appointments.hora), asc(appointments.id)).limit(sql.placeholder('limit')).prepare('appointments_upcoming_of_patient'));
    return statement.execute({ patientId, fromDate, limit });
  }
}
