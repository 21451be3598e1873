import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Catalog tables (RF6). Trigram and accent-folding indexes, which drizzle-kit cannot express,
 * live in the custom migration `catalogs_search`.
 */

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

const emptyTextArray = sql`'{}'::text[]`;

export const diagnoses = pgTable(
  'diagnoses',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Code system: CIE-10 ships; CIE-11 (or a national extension) can be imported beside it. */
    sistema: text().notNull().default('CIE-10'),
    /** Dotted upper case for CIE-10 ('J18.9', 'J18'). */
    codigo: text().notNull(),
    descripcion: text().notNull(),
    /** Folded description, stored so searches neither recompute nor re-fold it per row (migration 0022). */
    textoBusqueda: text().generatedAlwaysAs(sql`hce_fold(descripcion)`),
    nivel: smallint().notNull(),
    capitulo: text(),
    grupo: text(),
    activo: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('diagnoses_sistema_codigo_key').on(t.sistema, t.codigo)],
);

export const medications = pgTable(
  'medications',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Denominación común internacional (Spanish INN); DIGEMID's Nom_IFA. */
    dci: text().notNull(),
    concentracion: text().notNull().default(''),
    formaFarmaceutica: text().notNull().default(''),
    via: text(),
    codigoAtc: text(),
    grupoTerapeutico: text(),
    /** DIGEMID's Cod_Prod; only present for products loaded from the official catalog. */
    codigoDigemid: text(),
    registroSanitario: text(),
    nombreComercial: text(),
    presentacion: text(),
    titular: text(),
    fabricante: text(),
    /** In the Petitorio Nacional Único de Medicamentos Esenciales (PNUME). */
    petitorio: boolean().notNull().default(false),
    /** DS 023-2001-SA lists: needs the official special prescription form. */
    controlado: boolean().notNull().default(false),
    activo: boolean().notNull().default(true),
    /** Folded DCI, brand and therapeutic group: what a word search matches (migration 0022). */
    textoBusqueda: text().generatedAlwaysAs(
      sql`hce_fold(dci || ' ' || coalesce(nombre_comercial, '') || ' ' || coalesce(grupo_terapeutico, ''))`,
    ),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('medications_codigo_digemid_key').on(t.codigoDigemid).where(sql`${t.codigoDigemid} IS NOT NULL`),
    index('medications_codigo_atc_idx').on(t.codigoAtc),
  ],
);

export interface CrossReactivity {
  /** codigo of the other allergen group. */
  grupo: string;
  severidad: 'LEVE' | 'MODERADA' | 'GRAVE';
  nota: string;
}

export const allergenGroups = pgTable(
  'allergen_groups',
  {
    id: uuid().primaryKey().defaultRandom(),
    codigo: text().notNull(),
    nombre: text().notNull(),
    /** Terms a patient's allergy may be recorded as ("penicilina", "sulfas", "AINES"). */
    sinonimos: text().array().notNull().default(emptyTextArray),
    /** ATC codes or prefixes of the medicines in the group ("J01C"). */
    atcPrefijos: text().array().notNull().default(emptyTextArray),
    ingredientes: text().array().notNull().default(emptyTextArray),
    reactividadCruzada: jsonb().$type<CrossReactivity[]>().notNull().default(sql`'[]'::jsonb`),
    /** Clinical caveat shown with the group's alerts. */
    nota: text(),
    activo: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('allergen_groups_codigo_key').on(t.codigo)],
);

export const PROCEDURE_TYPES = ['LABORATORIO', 'IMAGEN', 'INTERCONSULTA', 'PROCEDIMIENTO'] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];

export const procedures = pgTable(
  'procedures',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** CPMS code where known. */
    codigo: text(),
    nombre: text().notNull(),
    tipo: text().$type<ProcedureType>().notNull(),
    especialidad: text(),
    activo: boolean().notNull().default(true),
    /** Folded name and specialty: what a word search matches (migration 0022). */
    textoBusqueda: text().generatedAlwaysAs(sql`hce_fold(nombre || ' ' || coalesce(especialidad, ''))`),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('procedures_codigo_key').on(t.codigo).where(sql`${t.codigo} IS NOT NULL`),
    index('procedures_tipo_idx').on(t.tipo),
  ],
);

export const TEMPLATE_TYPES = ['anamnesis', 'examen_fisico', 'indicaciones', 'evolucion'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export const textTemplates = pgTable(
  'templates',
  {
    id: uuid().primaryKey().defaultRandom(),
    tipo: text().$type<TemplateType>().notNull(),
    nombre: text().notNull(),
    contenido: text().notNull(),
    activo: boolean().notNull().default(true),
    /** The ADMIN who created it; null for shipped templates. */
    createdBy: uuid(),
    updatedBy: uuid(),
    ...timestamps,
  },
  (t) => [index('templates_tipo_idx').on(t.tipo, t.activo)],
);

export const notifiableDiseases = pgTable(
  'notifiable_diseases',
  {
    id: uuid().primaryKey().defaultRandom(),
    codigo: text().notNull(),
    nombre: text().notNull(),
    /** CIE-10 codes, 3-character categories or 4-character subcategories. */
    cieCodigos: text().array().notNull().default(emptyTextArray),
    periodicidad: text().$type<'INMEDIATA' | 'SEMANAL'>().notNull(),
    fuente: text(),
    /** False until checked against the current official annex. */
    verificado: boolean().notNull().default(false),
    activo: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('notifiable_diseases_codigo_key').on(t.codigo)],
);
