import { and, asc, count, eq, gte, lte, sql, type Placeholder, type SQL } from 'drizzle-orm';
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

/** The agenda's filters, each with its condition on a placeholder of the same name. */
const LIST_FILTERS = [
  ['doctorId', (p: Placeholder) => eq(appointments.doctorId, p)],
  ['patientId', (p: Placeholder) => eq(appointments.patientId, p)],
  ['startDate', (p: Placeholder) => gte(appointments.fecha, p)],
  ['endDate', (p: Placeholder) => lte(appointments.fecha, p)],
  ['estado', (p: Placeholder) => eq(appointments.estado, p)],
  ['serviceTypeId', (p: Placeholder) => eq(appointments.serviceTypeId, p)],
  ['infoPago', (p: Placeholder) => eq(appointments.infoPago, p)],
] as const satisfies readonly (readonly [keyof AppointmentFilter, (p: Placeholder) => SQL])[];

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
    // Written so that PostgreSQL keeps one generic plan (it planned this again on every webhook
    // delivery, 0.13–0.19 ms each, more than running it):
    // - the state and overbooking conditions are literals: they are the partial GiST index's
    //   predicate, which a plan can only match against literals;
    // - no LIMIT: Drizzle sends it as a parameter, which a generic plan estimates at a tenth of
    //   the rows (cost 29 against 4.4 for LIMIT 1). The exclusion constraint lets only a few
    //   appointments overlap one slot;
    // - the doctor and the slot reach the planner as sub-select values (InitPlans): custom plans
    //   otherwise estimated each doctor's share and each slot's overlap from the statistics, and
    //   when those came out a little cheaper than the generic estimate (a doctor with fewer
    //   appointments than average, a slot past the seeded agenda) PostgreSQL never switched.
    const statement = prepared(db, 'appointments_overlap', (root) => root.select().from(appointments).where(and(
      sql`${appointments.doctorId} = (SELECT ${sql.placeholder('doctorId')}::uuid)`, sql`${appointments.estado} <> 'CANCELADA'`, sql`NOT ${appointments.sobrecupo}`,
      sql`tstzrange(${appointments.startsAt}, ${appointments.endsAt}, '[)') && (SELECT tstzrange(${sql.placeholder('startsAt')}::timestamptz, ${sql.placeholder('endsAt')}::timestamptz, '[)'))`,
      sql`${appointments.id} IS DISTINCT FROM ${sql.placeholder('excludeId')}::uuid`,
    )).prepare('appointments_overlap'));
    const [row] = await statement.execute({ doctorId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), excludeId: excludeId ?? null });
    return row;
  },
  /**
   * A page of the agenda and its total, as two prepared statements per combination of filters
   * (`LIST_FILTERS`): Drizzle built both on every call and PostgreSQL planned them again. Their
   * generic plans keep the indexes (test/perf/explain.int.test.ts).
   */
  async list(db: DbOrTx, f: AppointmentFilter): Promise<{ rows: AppointmentRow[]; total: number }> {
    const present = LIST_FILTERS.filter(([key]) => f[key]);
    const shape = LIST_FILTERS.map(([key]) => (f[key] ? '1' : '0')).join('');
    const where = () => and(...present.map(([key, condition]) => condition(sql.placeholder(key))));
    const values: Record<string, unknown> = {};
    for (const [key] of present) values[key] = f[key];
    const page = prepared(db, `appointments_list_${shape}`, (root) => root.select().from(appointments).where(where())
      .orderBy(asc(appointments.fecha), asc(appointments.hora), asc(appointments.id))
      .limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare(`appointments_list_${shape}`));
    const counted = prepared(db, `appointments_count_${shape}`, (root) => root.select({ n: count() }).from(appointments).where(where())
      .prepare(`appointments_count_${shape}`));
    const [rows, totals] = await Promise.all([page.execute({ ...values, limit: f.limit, offset: f.offset }), counted.execute(values)]);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
};
