import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { medicalAttentions } from '../attentions/attentions.table.js';
import { users } from '../users/users.table.js';

/**
 * Files attached to an attention (RF5). The bytes live in the file store, encrypted with a
 * per-file data key wrapped under `encKeyId`; the row is written only once the object is
 * durably stored. Never deleted (a trigger refuses DELETE): soft delete while the attention
 * is open. After finalization each upload is a chained addendum (addendumSeq, prevHash, hash).
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey(),
    attentionId: uuid().notNull().references(() => medicalAttentions.id),
    fileName: text().notNull(),
    fileType: text().notNull(),
    description: text(),
    size: bigint({ mode: 'number' }).notNull(),
    sha256: text().notNull(),
    /** The stable API path the document asks to store. */
    urlPath: text().notNull(),
    storageDriver: text().notNull(),
    storageKey: text().notNull(),
    encKeyId: text().notNull(),
    encDataKey: text().notNull(),
    uploadedBy: uuid().notNull().references(() => users.id),
    uploadedAt: timestamp({ withTimezone: true }).notNull(),
    addendumSeq: integer(),
    prevHash: text(),
    hash: text(),
    deletedAt: timestamp({ withTimezone: true }),
    deletedBy: uuid(),
    motivoEliminacion: text(),
  },
  (t) => [
    index('attachments_attention_idx').on(t.attentionId, t.uploadedAt),
    uniqueIndex('attachments_storage_key').on(t.storageDriver, t.storageKey),
  ],
);
