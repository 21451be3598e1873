import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { patients } from '../patients/patients.table.js';
import { users } from '../users/users.table.js';

export const serviceTypes = pgTable(
  'service_types',
  {
    id: uuid().primaryKey().defaultRandom(),
    codigo: text().notNull(),
    codigoVentas: text(),
    nombre: text().notNull(),
    especialidad: text().notNull(),
    duracionMinutos: integer().notNull().default(20),
    /** Current price in PEN; the tariff history lives in service_type_prices. */
    precio: numeric({ precision: 10, scale: 2 }).notNull().default('0'),
    codigoCpms: text(),
    activo: boolean().notNull().default(true),
    /** HCE, or COBRANZA when created from an unknown billing service. */
    origen: text().notNull().default('HCE'),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('service_types_codigo_key').on(t.codigo),
    uniqueIndex('service_types_codigo_ventas_key').on(t.codigoVentas).where(sql`${t.codigoVentas} IS NOT NULL`),
  ],
);

export interface Seguro {
  tipo: 'EPS' | 'SIS' | 'ESSALUD' | 'SOAT' | 'PRIVADO' | 'OTRO';
  aseguradora: string;
  plan?: string | null;
  numeroAutorizacion?: string | null;
}

export interface HistorialEntry {
  fecha: string;
  hora: string;
  doctor_id: string;
  estado: string;
  cambiadoEn: string;
  cambiadoPor: string | null;
}

export const appointments = pgTable(
  'appointments',
  {
    id: uuid().primaryKey().defaultRandom(),
    patientId: uuid().notNull().references(() => patients.id),
    doctorId: uuid().notNull().references(() => users.id),
    serviceTypeId: uuid().notNull().references(() => serviceTypes.id),
    fecha: date().notNull(),
    hora: text().notNull(),
    /** Absolute start/end (America/Lima wall clock → UTC); the exclusion constraint uses them. */
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    duracionMinutos: integer().notNull(),
    descripcionServicio: text().notNull(),
    infoPago: text().notNull(),
    estado: text().notNull().default('PENDIENTE'),
    seguro: jsonb().$type<Seguro | null>(),
    codigoExternoCita: text(),
    idTransaccionVentas: text(),
    sobrecupo: boolean().notNull().default(false),
    /** Price snapshot (PEN) of the service type when booked. */
    precio: numeric({ precision: 10, scale: 2 }),
    historial: jsonb().$type<HistorialEntry[]>().notNull().default([]),
    motivoSinCupo: text(),
    version: integer().notNull().default(1),
    createdBy: uuid(),
    updatedBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('appointments_codigo_externo_key').on(t.codigoExternoCita).where(sql`${t.codigoExternoCita} IS NOT NULL`),
    index('appointments_doctor_fecha_idx').on(t.doctorId, t.fecha, t.hora),
    index('appointments_patient_fecha_idx').on(t.patientId, t.fecha),
    index('appointments_fecha_estado_idx').on(t.fecha, t.estado, t.hora),
    index('appointments_service_fecha_idx').on(t.serviceTypeId, t.fecha),
    index('appointments_transaccion_idx').on(t.idTransaccionVentas),
  ],
);
