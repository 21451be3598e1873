import { and, asc, count, eq, gte, lte, ne, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../../db/prepared.js';
import type { DbOrTx } from '../../db/client.js';
import { auditedInsert } from '../audit/audit.service.js';
import { appointments } from './appointments.table.js';

export type AppointmentRow = typeof appointments.$inferSelect;

export interface AppointmentFilter {
  doctorId?: string | undefined;
  patientId?: string | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
  estado?: string | undefined;
  serviceTypeId?: string | undefined;
  infoPago?: string | undefined;
  limit: number;
  offset: number;
}

export const appointmentsRepository = {
  /** A new appointment and its audit rows (`AuditService.rowsParam`). */
  insertAudited: auditedInsert(appointments, 'appointments_insert_audited', { bind: ['id'] }),
  async findById(db: DbOrTx, id: string): Promise<AppointmentRow | undefined> {
    const [row] = await db.select().from(appointments).where(eq(appointments.id, id)).limit(1);
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<AppointmentRow | undefined> {
    const statement = prepared(db, 'appointments_by_id_for_update', (root) =>
      root.select().from(appointments).where(eq(appointments.id, sql.placeholder('id'))).limit(1).for('update').prepare('appointments_by_id_for_update'));
    const [row] = await statement.execute({ id });
    return row;
  },
  async findByExternalCode(db: DbOrTx, code: string): Promise<AppointmentRow | undefined> {
    const [row] = await db.select().from(appointments).where(eq(appointments.codigoExternoCita, code)).limit(1);
    return row;
  },
  /** The appointment a new or moved slot collides with (same doctor, overlapping, not cancelled). */
  async findOverlap(db: DbOrTx, doctorId: string, startsAt: Date, endsAt: Date, excludeId?: string): Promise<AppointmentRow | undefined> {
    const statement = prepared(db, 'appointments_overlap', (root) => root.select().from(appointments).where(and(
      eq(appointments.doctorId, sql.placeholder('doctorId')), ne(appointments.estado, 'CANCELADA'), eq(appointments.sobrecupo, false),
      sql`tstzrange(${appointments.startsAt}, ${appointments.endsAt}, '[)') && tstzrange(${sql.placeholder('startsAt')}::timestamptz, ${sql.placeholder('endsAt')}::timestamptz, '[)')`,
      sql`${appointments.id} IS DISTINCT FROM ${sql.placeholder('excludeId')}::uuid`,
    )).limit(1).prepare('appointments_overlap'));
    const [row] = await statement.execute({ doctorId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), excludeId: excludeId ?? null });
    return row;
  },
  async list(db: DbOrTx, f: AppointmentFilter): Promise<{ rows: AppointmentRow[]; total: number }> {
    const conditions: SQL[] = [];
    if (f.doctorId) conditions.push(eq(appointments.doctorId, f.doctorId));
    if (f.patientId) conditions.push(eq(appointments.patientId, f.patientId));
    if (f.startDate) conditions.push(gte(appointments.fecha, f.startDate));
    if (f.endDate) conditions.push(lte(appointments.fecha, f.endDate));
    if (f.estado) conditions.push(eq(appointments.estado, f.estado));
    if (f.serviceTypeId) conditions.push(eq(appointments.serviceTypeId, f.serviceTypeId));
    if (f.infoPago) conditions.push(eq(appointments.infoPago, f.infoPago));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, totals] = await Promise.all([
      db.select().from(appointments).where(where)
        .orderBy(asc(appointments.fecha), asc(appointments.hora), asc(appointments.id)).limit(f.limit).offset(f.offset),
      db.select({ n: count() }).from(appointments).where(where),
    ]);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
};
