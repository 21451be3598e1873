import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Transactional outbox towards the billing system: rows are written in the same transaction
 * as the appointment or attention change, so an event exists exactly when its change
 * committed, and a dispatcher delivers them afterwards (surviving restarts). The payload
 * carries the patient's document number, so it is stored encrypted with the data key.
 */
export const integrationOutbox = pgTable(
  'integration_outbox',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Commit order within the table; events of one aggregate are delivered in this order. */
    seq: bigserial({ mode: 'number' }).notNull(),
    destino: text().notNull().default('COBRANZA'),
    eventType: text().notNull(),
    aggregateId: uuid().notNull(),
    payloadEnc: text().notNull(),
    /** PENDIENTE → ENVIADO, or FALLIDO once BILLING_MAX_ATTEMPTS are spent (manual retry). */
    estado: text().notNull().default('PENDIENTE'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Lease of the process delivering it; another process may take it once expired. */
    lockedUntil: timestamp({ withTimezone: true }),
    lastStatus: integer(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('integration_outbox_due_idx').on(t.estado, t.nextAttemptAt),
    index('integration_outbox_aggregate_idx').on(t.aggregateId, t.seq),
    index('integration_outbox_created_idx').on(t.createdAt),
  ],
);
