import { sql } from 'drizzle-orm';
import { boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { medicalAttentions } from '../attentions/attentions.table.js';
import { patients } from '../patients/patients.table.js';

/**
 * Consent to the processing of health data (Ley 29733). One row per declaration; a
 * revocation marks the row, never deletes it, so the history answers "what held on date X".
 */
export const patientDataConsents = pgTable(
  'patient_data_consents',
  {
    id: uuid().primaryKey().defaultRandom(),
    patientId: uuid().notNull().references(() => patients.id),
    otorgado: boolean().notNull(),
    canal: text().notNull(),
    fecha: date().notNull(),
    observaciones: text(),
    registradoPor: uuid(),
    registradoEn: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revocadoEn: timestamp({ withTimezone: true }),
    revocadoPor: uuid(),
    motivoRevocacion: text(),
  },
  (t) => [
    index('patient_data_consents_patient_idx').on(t.patientId, t.registradoEn),
    index('patient_data_consents_vigente_idx').on(t.patientId).where(sql`${t.revocadoEn} IS NULL`),
  ],
);

/** Clinical informed consent for an attention or a procedure (Ley 26842 art. 4 and 15). */
export const informedConsents = pgTable(
  'informed_consents',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    patientId: uuid().notNull().references(() => patients.id),
    tipo: text().notNull(),
    procedimiento: text().notNull(),
    firmadoPor: text().notNull(),
    nombreFirmante: text().notNull(),
    parentesco: text(),
    fecha: date().notNull(),
    attachmentId: uuid(),
    adjuntoVerificado: boolean().notNull().default(false),
    /** Registered after the attention was finalized (an addendum-like document). */
    posteriorAlCierre: boolean().notNull().default(false),
    createdBy: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('informed_consents_attention_idx').on(t.attentionId), index('informed_consents_patient_idx').on(t.patientId)],
);
