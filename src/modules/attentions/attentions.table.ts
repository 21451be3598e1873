import { relations, sql } from 'drizzle-orm';
import { date, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { appointments } from '../appointments/appointments.table.js';
import { patients } from '../patients/patients.table.js';
import { users } from '../users/users.table.js';

export interface Firmante {
  doctor_id: string;
  nombreCompleto: string;
  cmp: string | null;
}

/** NTS 139 outpatient format, plus the document's RF4.1 fields. Never deleted. */
export const medicalAttentions = pgTable(
  'medical_attentions',
  {
    id: uuid().primaryKey().defaultRandom(),
    patientId: uuid().notNull().references(() => patients.id),
    doctorId: uuid().notNull().references(() => users.id),
    appointmentId: uuid().references(() => appointments.id),
    motivoSinCita: text(),
    fechaAtencion: timestamp({ withTimezone: true }).notNull(),
    tipoAtencion: text().notNull(),
    motivoConsulta: text(),
    anamnesis: text(),
    antecedentes: jsonb().$type<unknown>(),
    examenFisico: text(),
    tiempoEnfermedad: text(),
    formaInicio: text(),
    curso: text(),
    funcionesBiologicas: jsonb().$type<Record<string, string | null> | null>(),
    planTrabajo: text(),
    proximaCita: date(),
    estado: text().notNull().default('ABIERTA'),
    finalizedAt: timestamp({ withTimezone: true }),
    firmante: jsonb().$type<Firmante | null>(),
    sealHash: text(),
    /** Hash chain of addenda (evolutions, attachments) added after finalization. */
    addendaCount: integer().notNull().default(0),
    addendaHead: text(),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('medical_attentions_appointment_key').on(t.appointmentId).where(sql`${t.appointmentId} IS NOT NULL`),
    index('medical_attentions_patient_idx').on(t.patientId, t.fechaAtencion),
    index('medical_attentions_doctor_idx').on(t.doctorId, t.fechaAtencion),
    index('medical_attentions_fecha_idx').on(t.fechaAtencion),
  ],
);

const softDelete = {
  deletedAt: timestamp({ withTimezone: true }),
  deletedBy: uuid(),
  motivoEliminacion: text(),
};

export const vitalSigns = pgTable('vital_signs', {
  id: uuid().primaryKey().defaultRandom(),
  attentionId: uuid().notNull().references(() => medicalAttentions.id).unique(),
  paSistolica: integer(),
  paDiastolica: integer(),
  fc: integer(),
  fr: integer(),
  temp: numeric({ precision: 4, scale: 1 }),
  satO2: integer(),
  peso: numeric({ precision: 6, scale: 2 }),
  talla: numeric({ precision: 4, scale: 2 }),
  imc: numeric({ precision: 5, scale: 2 }),
  imcCategoria: text(),
  imcPediatrico: boolean().notNull().default(false),
  recordedBy: uuid().notNull(),
  recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const attentionDiagnoses = pgTable(
  'attention_diagnoses',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    sistema: text().notNull().default('CIE-10'),
    cieCode: text().notNull(),
    description: text().notNull(),
    type: text().notNull(),
    fechaInicioSintomas: date(),
    notificable: text(),
    createdBy: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ...softDelete,
  },
  (t) => [
    index('attention_diagnoses_attention_idx').on(t.attentionId),
    uniqueIndex('attention_diagnoses_code_key').on(t.attentionId, t.cieCode).where(sql`${t.deletedAt} IS NULL`),
    index('attention_diagnoses_code_idx').on(t.cieCode),
  ],
);

export interface MedicamentoSnapshot {
  dci: string;
  concentracion: string | null;
  formaFarmaceutica: string | null;
  via: string | null;
  codigoAtc: string | null;
  controlado: boolean;
}

export interface PrescriptionAlert {
  tipo: string;
  severidad: string;
  alergia: string;
  medicamento: string;
  mensaje: string;
}

export const prescriptions = pgTable(
  'prescriptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    medicamentoId: uuid().notNull(),
    medicamento: jsonb().$type<MedicamentoSnapshot>().notNull(),
    dosis: text().notNull(),
    via: text().notNull(),
    frecuencia: text().notNull(),
    duracion: text().notNull(),
    cantidad: numeric({ precision: 10, scale: 2 }).notNull(),
    indicaciones: text(),
    alertas: jsonb().$type<PrescriptionAlert[]>().notNull().default([]),
    alertaConfirmada: boolean().notNull().default(false),
    motivoConfirmacion: text(),
    createdBy: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ...softDelete,
  },
  (t) => [index('prescriptions_attention_idx').on(t.attentionId)],
);

export const medicalOrders = pgTable(
  'medical_orders',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    numeroOrden: text().notNull(),
    tipo: text().notNull(),
    detalle: text().notNull(),
    indicaciones: text(),
    procedureCode: text(),
    procedureName: text(),
    createdBy: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ...softDelete,
  },
  (t) => [index('medical_orders_attention_idx').on(t.attentionId), uniqueIndex('medical_orders_numero_key').on(t.numeroOrden)],
);

/** Signed notes; never edited or deleted. After finalization each one is a chained addendum. */
export const evolutions = pgTable(
  'evolutions',
  {
    id: uuid().primaryKey().defaultRandom(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    notas: text().notNull(),
    userId: uuid().notNull().references(() => users.id),
    fechaHora: timestamp({ withTimezone: true }).notNull().defaultNow(),
    addendumSeq: integer(),
    prevHash: text(),
    hash: text(),
  },
  (t) => [index('evolutions_attention_idx').on(t.attentionId, t.fechaHora)],
);

/**
 * The attention and its clinical items, for Drizzle's relational queries: the detail view loads
 * them in one statement (`attentionsRepository.loadDetail`).
 */
export const medicalAttentionsRelations = relations(medicalAttentions, ({ one, many }) => ({
  vitals: one(vitalSigns, { fields: [medicalAttentions.id], references: [vitalSigns.attentionId] }),
  diagnoses: many(attentionDiagnoses),
  prescriptions: many(prescriptions),
  orders: many(medicalOrders),
  evolutions: many(evolutions),
}));
export const attentionDiagnosesRelations = relations(attentionDiagnoses, ({ one }) => ({
  attention: one(medicalAttentions, { fields: [attentionDiagnoses.attentionId], references: [medicalAttentions.id] }),
}));
export const prescriptionsRelations = relations(prescriptions, ({ one }) => ({
  attention: one(medicalAttentions, { fields: [prescriptions.attentionId], references: [medicalAttentions.id] }),
}));
export const medicalOrdersRelations = relations(medicalOrders, ({ one }) => ({
  attention: one(medicalAttentions, { fields: [medicalOrders.attentionId], references: [medicalAttentions.id] }),
}));
export const evolutionsRelations = relations(evolutions, ({ one }) => ({
  attention: one(medicalAttentions, { fields: [evolutions.attentionId], references: [medicalAttentions.id] }),
}));
