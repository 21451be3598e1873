import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { medicalAttentions } from '../attentions/attentions.table.js';

/** The digital signature of a finalized attention: a detached JWS over its seal. Never edited. */
export const attentionSignatures = pgTable('attention_signatures', {
  id: uuid().primaryKey().defaultRandom(),
  attentionId: uuid().notNull().references(() => medicalAttentions.id).unique(),
  sealHash: text().notNull(),
  /** Compact JWS with a detached payload (RFC 7515 appendix F): `header..signature`. */
  jws: text().notNull(),
  alg: text().notNull(),
  certificatePem: text().notNull(),
  certSubject: text().notNull(),
  certIssuer: text().notNull(),
  certSerial: text().notNull(),
  certNotBefore: timestamp({ withTimezone: true }).notNull(),
  certNotAfter: timestamp({ withTimezone: true }).notNull(),
  signedAt: timestamp({ withTimezone: true }).notNull(),
  signedBy: uuid().notNull(),
});
