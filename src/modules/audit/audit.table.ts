import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only audit trail: triggers refuse UPDATE, DELETE and TRUNCATE (migrations 0002, 0025).
 * Each new row waits in `audit_pending` until the sealer links it into `audit_chain`.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorId: uuid(),
    actorRole: text(),
    actorKind: text(),
    action: text().notNull(),
    entity: text(),
    entityId: text(),
    patientId: uuid(),
    ip: text(),
    userAgent: text(),
    requestId: text(),
    outcome: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_events_patient_idx').on(t.patientId, t.occurredAt),
    index('audit_events_actor_idx').on(t.actorId, t.occurredAt),
    index('audit_events_action_idx').on(t.action, t.occurredAt),
    index('audit_events_occurred_idx').on(t.occurredAt),
  ],
);

/** The SHA-256 chain, one link per sealed audit row; written only by `hce_audit_seal` (insert-only). */
export const auditChain = pgTable('audit_chain', {
  chainSeq: bigint({ mode: 'number' }).primaryKey(),
  eventId: bigint({ mode: 'number' }).notNull().unique().references(() => auditEvents.id),
  prevHash: text(),
  hash: text().notNull(),
  sealedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Audit rows not linked yet (filled by a trigger on insert, emptied by the sealer). */
export const auditPending = pgTable('audit_pending', {
  eventId: bigint({ mode: 'number' }).primaryKey(),
});
