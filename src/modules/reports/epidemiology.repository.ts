import { and, asc, desc, eq, gte, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { epiNotifications } from './reports.table.js';

export type EpiRow = typeof epiNotifications.$inferSelect;

/** How far apart two symptom onsets can be and still be the same episode of a disease. */
const EPISODE_DAYS = 30;

export const epidemiologyRepository = {
  /** The patient's open (not discarded) case of this disease in the same episode, locked. */
  async openCaseForUpdate(db: DbOrTx, patientId: string, diseaseId: string, onset: string): Promise<EpiRow | undefined> {
    const [row] = await db.select().from(epiNotifications).where(and(
      eq(epiNotifications.patientId, patientId), eq(epiNotifications.diseaseId, diseaseId), ne(epiNotifications.estado, 'DESCARTADA'),
      sql`abs(${epiNotifications.fechaInicioSintomas} - ${onset}::date) <= ${EPISODE_DAYS}`,
    )).orderBy(desc(epiNotifications.createdAt)).limit(1).for('update');
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<EpiRow | undefined> {
    const [row] = await db.select().from(epiNotifications).where(eq(epiNotifications.id, id)).limit(1).for('update');
    return row;
  },
  /** Cases by symptom-onset date (the date NotiWeb files them under). */
  async listByOnset(db: DbOrTx, f: { desde: string; hasta: string; estado?: string | undefined }): Promise<EpiRow[]> {
    const conditions: SQL[] = [gte(epiNotifications.fechaInicioSintomas, f.desde), lte(epiNotifications.fechaInicioSintomas, f.hasta)];
    if (f.estado) conditions.push(eq(epiNotifications.estado, f.estado as EpiRow['estado']));
    return db.select().from(epiNotifications).where(and(...conditions))
      .orderBy(asc(epiNotifications.semanaAnio), asc(epiNotifications.semanaNumero), asc(epiNotifications.fechaInicioSintomas), asc(epiNotifications.createdAt));
  },
  async listPending(db: DbOrTx): Promise<EpiRow[]> {
    return db.select().from(epiNotifications).where(eq(epiNotifications.estado, 'PENDIENTE')).orderBy(asc(epiNotifications.createdAt));
  },
};
