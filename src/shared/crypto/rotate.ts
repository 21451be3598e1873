import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Keyring } from './keyring.js';

interface EncryptedColumn {
  table: string;
  column: string;
  aad: string;
  /** Blind-index column and how its input is built from the clear value. */
  index?: { column: string; input: (clear: string) => string };
}

/** Every column encrypted with the data key. Attachments carry their own key id per file. */
export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  { table: 'patients', column: 'numero_documento_enc', aad: 'patients.numero_documento', index: { column: 'numero_documento_bidx', input: (v) => `patient-doc:${v.trim().toUpperCase()}` } },
  { table: 'patients', column: 'apoderado_documento_enc', aad: 'patients.apoderado_documento' },
  { table: 'users', column: 'numero_documento_enc', aad: 'users.numero_documento', index: { column: 'numero_documento_bidx', input: (v) => `user-doc:${v.toUpperCase()}` } },
];

/**
 * Re-encrypts (and re-indexes) every value not written with the active key, in batches, each
 * row in its own short statement so the API keeps serving. Safe to re-run.
 */
export async function rotateEncryptedColumns(db: Db, keyring: Keyring, onProgress?: (table: string, done: number) => void): Promise<Record<string, number>> {
  const active = keyring.activeKeyId;
  const counts: Record<string, number> = {};
  for (const col of ENCRYPTED_COLUMNS) {
    let done = 0;
    for (;;) {
      const batch = await db.execute<{ id: string; value: string }>(sql`
        SELECT id, ${sql.identifier(col.column)} AS value FROM ${sql.identifier(col.table)}
        WHERE ${sql.identifier(col.column)} IS NOT NULL AND split_part(${sql.identifier(col.column)}, ':', 2) <> ${active}
        LIMIT 500`);
      if (batch.rows.length === 0) break;
      for (const row of batch.rows) {
        const clear = keyring.decrypt(row.value, col.aad);
        const enc = keyring.encrypt(clear, col.aad);
        if (col.index) {
          await db.execute(sql`UPDATE ${sql.identifier(col.table)} SET ${sql.identifier(col.column)} = ${enc},
            ${sql.identifier(col.index.column)} = ${keyring.blindIndex(col.index.input(clear))} WHERE id = ${row.id}`);
        } else {
          await db.execute(sql`UPDATE ${sql.identifier(col.table)} SET ${sql.identifier(col.column)} = ${enc} WHERE id = ${row.id}`);
        }
        done += 1;
      }
      onProgress?.(`${col.table}.${col.column}`, done);
    }
    counts[`${col.table}.${col.column}`] = done;
  }
  return counts;
}
