import { and, asc, count, desc, eq, gte, isNull, lt, sql, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { anyOf, prepared } from '../../db/prepared.js';
import { allOn } from '../../db/all-on.js';
import { auditedInsert } from '../audit/audit.service.js';
import type { AttentionRow } from './attentions.mapper.js';
import { attentionDiagnoses, evolutions, medicalAttentions, medicalOrders, prescriptions, vitalSigns } from './attentions.table.js';

export const attentionsRepository = {
  async findById(db: DbOrTx, id: string): Promise<AttentionRow | undefined> {
    const statement = prepared(db, 'attentions_by_id', (root) =>
      root.select().from(medicalAttentions).where(eq(medicalAttentions.id, sql.placeholder('id'))).limit(1).prepare('attentions_by_id'));
    const [row] = await statement.execute({ id });
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<AttentionRow | undefined> {
    const statement = prepared(db, 'attentions_by_id_for_update', (root) => root.select().from(medicalAttentions)
      .where(eq(medicalAttentions.id, sql.placeholder('id'))).limit(1).for('update').prepare('attentions_by_id_for_update'));
    const [row] = await statement.execute({ id });
    return row;
  },
  /** A prescription and its audit rows (`AuditService.rowsParam`). */
  insertPrescription: auditedInsert(prescriptions, 'prescriptions_insert_audited', { bind: ['id'] }),
  async findByAppointment(db: DbOrTx, appointmentId: string): Promise<AttentionRow | undefined> {
    const [row] = await db.select().from(medicalAttentions).where(eq(medicalAttentions.appointmentId, appointmentId)).limit(1);
    return row;
  },
  /** Every clinical item of one attention, in parallel (a bounded number of queries). */
  async loadItems(db: DbOrTx, attentionId: string) {
    // Prepared: the attention detail runs all five on every read.
    const id = sql.placeholder('id');
    const [vitals, dx, rx, orders, evo] = await allOn(db, [
      () => prepared(db, 'attention_vitals', (root) => root.select().from(vitalSigns).where(eq(vitalSigns.attentionId, id)).limit(1)
        .prepare('attention_vitals')).execute({ id: attentionId }),
      () => prepared(db, 'attention_diagnoses', (root) => root.select().from(attentionDiagnoses).where(eq(attentionDiagnoses.attentionId, id))
        .orderBy(asc(attentionDiagnoses.createdAt), asc(attentionDiagnoses.id)).prepare('attention_diagnoses')).execute({ id: attentionId }),
      () => prepared(db, 'attention_prescriptions', (root) => root.select().from(prescriptions).where(eq(prescriptions.attentionId, id))
        .orderBy(asc(prescriptions.createdAt), asc(prescriptions.id)).prepare('attention_prescriptions')).execute({ id: attentionId }),
      () => prepared(db, 'attention_orders', (root) => root.select().from(medicalOrders).where(eq(medicalOrders.attentionId, id))
        .orderBy(asc(medicalOrders.createdAt), asc(medicalOrders.id)).prepare('attention_orders')).execute({ id: attentionId }),
      () => prepared(db, 'attention_evolutions', (root) => root.select().from(evolutions).where(eq(evolutions.attentionId, id))
        .orderBy(asc(evolutions.fechaHora), asc(evolutions.id)).prepare('attention_evolutions')).execute({ id: attentionId }),
    ] as const);
    return { vitals: vitals[0], diagnoses: dx, prescriptions: rx, orders, evolutions: evo };
  },
  /**
   * The attention with its vitals and clinical items in one statement (Drizzle's relational
   * query: the items come back as JSON built by PostgreSQL), for the detail view. On this kind
   * of machine each round trip costs both sides more CPU than the look-ups themselves. The seal
   * does not use it: numeric values come back through JSON ("36.5" for a stored 36.50), and the
   * seal hashes the rows exactly as stored (`loadItems`).
   */
  async loadDetail(db: DbOrTx, id: string) {
    const byCreation = <T extends { createdAt: SQLWrapper; id: SQLWrapper }>(t: T) => [asc(t.createdAt), asc(t.id)];
    const statement = prepared(db, 'attention_detail', (root) => root.query.medicalAttentions.findFirst({
      where: eq(medicalAttentions.id, sql.placeholder('id')),
      with: {
        vitals: true,
        diagnoses: { orderBy: byCreation },
        prescriptions: { orderBy: byCreation },
        orders: { orderBy: byCreation },
        evolutions: { orderBy: (e) => [asc(e.fechaHora), asc(e.id)] },
      },
    }).prepare('attention_detail'));
    return statement.execute({ id });
  },
  async listByPatient(db: DbOrTx, patientId: string, limit: number, offset: number) {
    const where = eq(medicalAttentions.patientId, patientId);
    const [rows, totals] = await allOn(db, [
      () => db.select().from(medicalAttentions).where(where).orderBy(desc(medicalAttentions.fechaAtencion), desc(medicalAttentions.id)).limit(limit).offset(offset),
      () => db.select({ n: count() }).from(medicalAttentions).where(where),
    ] as const);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
  /** A patient's latest attentions, newest first, without a total (the patient summary). */
  async recentByPatient(db: DbOrTx, patientId: string, limit: number): Promise<AttentionRow[]> {
    const statement = prepared(db, 'attentions_recent_by_patient', (root) => root.select().from(medicalAttentions)
      .where(eq(medicalAttentions.patientId, sql.placeholder('patientId')))
      .orderBy(desc(medicalAttentions.fechaAtencion), desc(medicalAttentions.id)).limit(sql.placeholder('limit')).prepare('attentions_recent_by_patient'));
    return statement.execute({ patientId, limit });
  },
  async search(db: DbOrTx, f: { patientId?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit: number; offset: number }) {
    const conditions = [
      f.patientId ? eq(medicalAttentions.patientId, f.patientId) : undefined,
      f.from ? gte(medicalAttentions.fechaAtencion, f.from) : undefined,
      f.to ? lt(medicalAttentions.fechaAtencion, f.to) : undefined,
    ].filter((c) => c !== undefined);
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, totals] = await allOn(db, [
      () => db.select({ id: medicalAttentions.id, patientId: medicalAttentions.patientId }).from(medicalAttentions).where(where)
        .orderBy(desc(medicalAttentions.fechaAtencion), desc(medicalAttentions.id)).limit(f.limit).offset(f.offset),
      () => db.select({ n: count() }).from(medicalAttentions).where(where),
    ] as const);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
  /** The attention an item belongs to (FHIR reads of Condition/Observation/… by id). */
  async attentionIdOfItem(db: DbOrTx, kind: 'diagnosis' | 'prescription' | 'order' | 'vitals', id: string): Promise<string | undefined> {
    const table = { diagnosis: attentionDiagnoses, prescription: prescriptions, order: medicalOrders, vitals: vitalSigns }[kind];
    const [row] = await db.select({ attentionId: table.attentionId }).from(table).where(eq(table.id, id)).limit(1);
    return row?.attentionId;
  },
  async activeDiagnosesFor(db: DbOrTx, attentionIds: string[]) {
    if (attentionIds.length === 0) return [];
    const list = anyOf('id', attentionIds, 'uuid');
    const name = `attention_diagnoses_active_of_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select().from(attentionDiagnoses)
      .where(and(list.where(attentionDiagnoses.attentionId), isNull(attentionDiagnoses.deletedAt)))
      .orderBy(asc(attentionDiagnoses.createdAt)).prepare(name));
    return statement.execute(list.params);
  },
  async nextOrderNumber(db: DbOrTx): Promise<string> {
    const result = await db.execute<{ n: number }>(sql`SELECT nextval('medical_orders_numero_seq')::int AS n`);
    return `ORD-${String(result.rows[0]!.n).padStart(7, '0')}`;
  },
};
