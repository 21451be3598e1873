import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export interface FirmanteImpreso {
  nombreCompleto: string;
  cmp: string | null;
}

/**
 * One row per printed document: the short code printed on it (and in its QR), what it is,
 * and the record's seal when it was issued, so `GET /verify/{code}` can say whether the
 * record still matches without revealing any of it. Never edited or deleted.
 */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    code: text().primaryKey(),
    tipoDocumento: text().notNull(),
    entity: text().notNull(),
    entityId: uuid().notNull(),
    sealHash: text().notNull(),
    documentSha256: text().notNull(),
    establecimiento: text().notNull(),
    firmante: jsonb().$type<FirmanteImpreso>().notNull(),
    firmado: boolean().notNull(),
    issuedBy: uuid().notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('verification_codes_entity_idx').on(t.entity, t.entityId)],
);
