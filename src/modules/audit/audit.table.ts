import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only audit trail. A trigger (migration 0002) refuses DELETE/TRUNCATE and every
 * UPDATE except the sealer's one-time fill of chain_seq/prev_hash/hash on an unsealed row.
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
    chainSeq: bigint({ mode: 'number' }),
    prevHash: text(),
    hash: text(),
    sealedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('audit_events_patient_idx').on(t.patientId, t.occurredAt),
    index('audit_events_actor_idx').on(t.actorId, t.occurredAt),
    index('audit_events_action_idx').on(t.action, t.occurredAt),
    index('audit_events_occurred_idx').on(t.occurredAt),
    index('audit_events_chain_idx').on(t.chainSeq),
  ],
);
