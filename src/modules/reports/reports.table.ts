import { date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { attentionDiagnoses, medicalAttentions } from '../attentions/attentions.table.js';
import { notifiableDiseases } from '../catalogs/catalogs.table.js';
import { patients } from '../patients/patients.table.js';
import { users } from '../users/users.table.js';

export interface EpiHistoryEntry {
  at: string;
  evento: 'CREADA' | 'RECLASIFICADA' | 'DESCARTADA' | 'NOTIFICADA';
  diagnosis_id: string | null;
  attention_id: string | null;
  tipo: string | null;
  usuario: string | null;
}

/**
 * A case of a notifiable disease (Directiva Sanitaria 046-MINSA/DGE-V.01) waiting to be, or
 * already, entered in NotiWeb. One case per patient, disease and episode: a later DEFINITIVO
 * diagnosis reclassifies it, a DESCARTADO one discards it; nothing is deleted.
 */
export const epiNotifications = pgTable(
  'epi_notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    patientId: uuid().notNull().references(() => patients.id),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    diagnosisId: uuid().notNull().references(() => attentionDiagnoses.id),
    doctorId: uuid().notNull().references(() => users.id),
    diseaseId: uuid().notNull().references(() => notifiableDiseases.id),
    /** Snapshots: the catalog may change after the case was opened. */
    enfermedadCodigo: text().notNull(),
    enfermedadNombre: text().notNull(),
    periodicidad: text().$type<'INMEDIATA' | 'SEMANAL'>().notNull(),
    cieCode: text().notNull(),
    tipoDiagnostico: text().$type<'PRESUNTIVO' | 'DEFINITIVO'>().notNull(),
    /** INEI district code of the patient's residence when the case was opened. */
    ubigeo: text(),
    fechaDiagnostico: date().notNull(),
    fechaInicioSintomas: date().notNull(),
    semanaAnio: smallint().notNull(),
    semanaNumero: smallint().notNull(),
    estado: text().$type<'PENDIENTE' | 'NOTIFICADA' | 'DESCARTADA'>().notNull().default('PENDIENTE'),
    notificadaAt: timestamp({ withTimezone: true }),
    notificadaPor: uuid().references(() => users.id),
    codigoNotiweb: text(),
    observacion: text(),
    descartadaAt: timestamp({ withTimezone: true }),
    historial: jsonb().$type<EpiHistoryEntry[]>().notNull().default([]),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('epi_notifications_diagnosis_key').on(t.diagnosisId),
    index('epi_notifications_semana_idx').on(t.semanaAnio, t.semanaNumero),
    index('epi_notifications_estado_idx').on(t.estado, t.periodicidad, t.createdAt),
    index('epi_notifications_patient_idx').on(t.patientId, t.diseaseId),
    index('epi_notifications_inicio_idx').on(t.fechaInicioSintomas),
  ],
);

/**
 * RENHICE queue (Ley 30024, DS 009-2017-SA mod. DS 020-2025-SA): every finalized attention,
 * due within 24 h of closing. A later connector sends them and updates state and attempts.
 */
export const renhiceExports = pgTable(
  'renhice_exports',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    patientId: uuid().notNull().references(() => patients.id),
    estado: text().$type<'PENDIENTE' | 'ENVIADO' | 'ERROR'>().notNull().default('PENDIENTE'),
    intentos: integer().notNull().default(0),
    finalizedAt: timestamp({ withTimezone: true }).notNull(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    ultimoIntentoAt: timestamp({ withTimezone: true }),
    ultimoError: text(),
    enviadoAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('renhice_exports_attention_key').on(t.attentionId),
    index('renhice_exports_estado_due_idx').on(t.estado, t.dueAt),
    index('renhice_exports_patient_idx').on(t.patientId),
  ],
);
