import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appointments } from '../../appointments/appointments.table.js';
import { patients } from '../../patients/patients.table.js';
import { integrationClients } from '../clients/clients.table.js';

/**
 * One row per billing transaction (idTransaccionVentas): the idempotency record of the
 * webhook. It keeps the hash of the last payload processed and the 200 body answered, so an
 * identical repeat gets the same answer and a changed one updates the same records.
 */
export const billingTransactions = pgTable(
  'billing_transactions',
  {
    id: uuid().primaryKey().defaultRandom(),
    idTransaccionVentas: text().notNull(),
    clientId: uuid().notNull().references(() => integrationClients.id),
    payloadSha256: text().notNull(),
    infoPago: text().notNull(),
    /** An annulled transaction is final: a later delivery of it as paid is refused. */
    anulada: boolean().notNull().default(false),
    patientId: uuid().notNull().references(() => patients.id),
    appointmentId: uuid().references(() => appointments.id),
    reconciliacion: text(),
    respuesta: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Differences the webhook did not apply (annulment of an attended appointment, …). */
    observaciones: jsonb().$type<string[]>().notNull().default([]),
    requiereRevision: boolean().notNull().default(false),
    entregas: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('billing_transactions_id_ventas_key').on(t.idTransaccionVentas),
    index('billing_transactions_appointment_idx').on(t.appointmentId),
    index('billing_transactions_patient_idx').on(t.patientId),
    index('billing_transactions_revision_idx').on(t.requiereRevision, t.updatedAt),
  ],
);

/**
 * Every delivery to an integration endpoint, whatever its outcome: who, which transaction,
 * the SHA-256 of the payload (never the payload: it carries document numbers), the result
 * and how long it took.
 */
export const integrationLog = pgTable(
  'integration_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endpoint: text().notNull(),
    clientId: uuid(),
    idTransaccionVentas: text(),
    payloadSha256: text(),
    statusCode: integer().notNull(),
    /** CREADA, ACTUALIZADA, SIN_CAMBIOS, REPETIDA or the error code (VALIDATION_ERROR, …). */
    outcome: text().notNull(),
    latencyMs: integer().notNull(),
    requestId: text(),
  },
  (t) => [
    index('integration_log_received_idx').on(t.receivedAt),
    index('integration_log_transaccion_idx').on(t.idTransaccionVentas),
  ],
);
