import { date, index, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { serviceTypes } from './appointments.table.js';

/**
 * Tariff history of a service type: each row is in force from `vigenteDesde` until the next
 * row's date. Rows are never edited or deleted (a price change is a new row), so the price
 * that applied on any past date can always be answered.
 */
export const serviceTypePrices = pgTable(
  'service_type_prices',
  {
    id: uuid().primaryKey().defaultRandom(),
    serviceTypeId: uuid().notNull().references(() => serviceTypes.id),
    precio: numeric({ precision: 10, scale: 2 }).notNull(),
    moneda: text().notNull().default('PEN'),
    vigenteDesde: date().notNull(),
    /** SUNAT catálogo 07 (tipo de afectación del IGV). */
    codigoAfectacionIgv: text().notNull(),
    /** SUNAT catálogo 25 (código de producto, UNSPSC). */
    codigoProductoSunat: text(),
    /** SUNAT catálogo 03 (unidad de medida, UN/ECE rec. 20); ZZ for services. */
    unidadMedida: text().notNull().default('ZZ'),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('service_type_prices_vigencia_key').on(t.serviceTypeId, t.vigenteDesde),
    index('service_type_prices_desde_idx').on(t.vigenteDesde),
  ],
);
