import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export interface Alergia {
  alergia: string;
  reaccion?: string | null;
  severidad: 'LEVE' | 'MODERADA' | 'GRAVE';
}
export interface ContactoEmergencia {
  nombre: string;
  telefono: string;
  relacion: string;
}
export interface ApoderadoStored {
  nombre: string;
  tipoDocumento: string;
  parentesco: string;
  telefono?: string | null;
}

export const patients = pgTable(
  'patients',
  {
    id: uuid().primaryKey().defaultRandom(),
    numeroHistoriaClinica: text().notNull(),
    tipoDocumento: text().notNull(),
    tipoDocumentoDetalle: text(),
    /** AES-256-GCM ciphertext with key id; never stored in clear. */
    numeroDocumentoEnc: text(),
    /** HMAC blind index for uniqueness and exact lookup. */
    numeroDocumentoBidx: text(),
    identificacionPendiente: boolean().notNull().default(false),
    nombres: text().notNull(),
    apellidoPaterno: text().notNull(),
    apellidoMaterno: text(),
    /** Folded "nombres apellidos" for accent-insensitive trigram search. */
    nombreBusqueda: text().generatedAlwaysAs(
      sql`hce_fold(nombres || ' ' || apellido_paterno || coalesce(' ' || apellido_materno, ''))`,
    ),
    /** Folded surname-first key that ranked searches sort by, stored so a search does not fold every match again (migration 0023). */
    sortKey: text().generatedAlwaysAs(sql`hce_name_sort_key(nombres, apellido_paterno, apellido_materno)`),
    fechaNacimiento: date().notNull(),
    sexo: text().notNull(),
    estadoCivil: text(),
    nacionalidad: text().notNull().default('PER'),
    direccion: text(),
    departamento: text(),
    provincia: text(),
    distrito: text(),
    ubigeo: text(),
    ubigeoReniec: text(),
    telefonoMovil: text(),
    telefonoFijo: text(),
    email: text(),
    codigoExternoPaciente: text(),
    pacsPatientId: text(),
    lisPatientId: text(),
    grupoSanguineo: text(),
    factorRh: text(),
    antecedentesCronicos: jsonb().$type<string[]>().notNull().default([]),
    medicacionActual: jsonb().$type<string[]>().notNull().default([]),
    alergias: jsonb().$type<Alergia[]>().notNull().default([]),
    contactoEmergencia: jsonb().$type<ContactoEmergencia | null>(),
    apoderado: jsonb().$type<ApoderadoStored | null>(),
    apoderadoDocumentoEnc: text(),
    mergedInto: uuid(),
    mergedAt: timestamp({ withTimezone: true }),
    version: integer().notNull().default(1),
    createdBy: uuid(),
    updatedBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('patients_hc_key').on(t.numeroHistoriaClinica),
    uniqueIndex('patients_document_key').on(t.tipoDocumento, t.numeroDocumentoBidx).where(sql`${t.numeroDocumentoBidx} IS NOT NULL`),
    index('patients_document_bidx_idx').on(t.numeroDocumentoBidx),
    index('patients_codigo_externo_idx').on(t.codigoExternoPaciente),
    index('patients_apellidos_idx').on(t.apellidoPaterno, t.apellidoMaterno, t.nombres),
  ],
);
