import { date, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { medicalAttentions } from '../attentions/attentions.table.js';
import { patients } from '../patients/patients.table.js';

export interface RamMedicamento {
  dci: string;
  codigoAtc: string | null;
  concentracion: string | null;
  formaFarmaceutica: string | null;
  dosis: string | null;
  via: string | null;
  frecuencia: string | null;
}

/** Suspected adverse drug reactions (RAM) notified for DIGEMID's pharmacovigilance. Never edited. */
export const adverseDrugReactions = pgTable(
  'adverse_drug_reactions',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    patientId: uuid().notNull().references(() => patients.id),
    prescriptionId: uuid(),
    medicamentoId: uuid(),
    medicamento: jsonb().$type<RamMedicamento>().notNull(),
    reaccion: text().notNull(),
    severidad: text().notNull(),
    fechaInicio: date().notNull(),
    fechaFin: date(),
    desenlace: text().notNull(),
    observaciones: text(),
    notificadoPor: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('adverse_drug_reactions_attention_idx').on(t.attentionId),
    index('adverse_drug_reactions_fecha_idx').on(t.fechaInicio),
    index('adverse_drug_reactions_patient_idx').on(t.patientId),
  ],
);
