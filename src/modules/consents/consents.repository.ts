import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { informedConsents, patientDataConsents } from './consents.table.js';

export type DataConsentRow = typeof patientDataConsents.$inferSelect;
export type InformedConsentRow = typeof informedConsents.$inferSelect;

export const consentsRepository = {
  async current(db: DbOrTx, patientId: string, forUpdate = false): Promise<DataConsentRow | undefined> {
    const query = db.select().from(patientDataConsents)
      .where(and(eq(patientDataConsents.patientId, patientId), isNull(patientDataConsents.revocadoEn))).limit(1);
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  },
  async history(db: DbOrTx, patientId: string): Promise<DataConsentRow[]> {
    return db.select().from(patientDataConsents).where(eq(patientDataConsents.patientId, patientId))
      .orderBy(desc(patientDataConsents.registradoEn), desc(patientDataConsents.id));
  },
  async revoke(db: DbOrTx, id: string, by: string | null, motivo: string): Promise<DataConsentRow> {
    const [row] = await db.update(patientDataConsents).set({ revocadoEn: new Date(), revocadoPor: by, motivoRevocacion: motivo })
      .where(and(eq(patientDataConsents.id, id), isNull(patientDataConsents.revocadoEn))).returning();
    return row!;
  },
  async informedByPatient(db: DbOrTx, patientId: string): Promise<InformedConsentRow[]> {
    return db.select().from(informedConsents).where(eq(informedConsents.patientId, patientId)).orderBy(asc(informedConsents.createdAt), asc(informedConsents.id));
  },
  async informedByAttention(db: DbOrTx, attentionIds: string[]): Promise<InformedConsentRow[]> {
    if (attentionIds.length === 0) return [];
    return db.select().from(informedConsents).where(inArray(informedConsents.attentionId, attentionIds))
      .orderBy(asc(informedConsents.createdAt), asc(informedConsents.id));
  },
};
