import { sql, type SQL } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { DbOrTx } from '../../../db/client.js';
import type { RowReader } from './cells.js';

/**
 * What the generic importer needs to know about one catalog: how to read a row, its key,
 * how a row merges with the stored one, and how to write a batch. Fields a file leaves out
 * (`undefined`) keep their stored value, so a partial spreadsheet never wipes columns.
 */
export interface CatalogSpec<P, R extends { id: string }, V extends object> {
  tableName: 'diagnoses' | 'medications' | 'procedures' | 'allergen_groups';
  /** Field → header aliases (DIGEMID's Cod_Prod, Nom_IFA…), compared folded. */
  aliases: Record<string, string[]>;
  read(r: RowReader): P;
  key(p: P): string;
  /** The field named when two rows of a file share a key. */
  keyField(p: P): string;
  rowKey(row: R): string;
  /** Stored rows the file may touch (usually the whole catalog, which is small). */
  load(tx: DbOrTx, parsed: P[]): Promise<R[]>;
  /** Values to store: the file's, falling back to the stored row, then to defaults. */
  merge(p: P, existing: R | undefined, all: R[]): V;
  /** Columns compared to decide between "actualizado" and "sin cambios". */
  compare: (keyof V & keyof R)[];
  /** Checks across rows (references to other rows or catalogs). */
  crossCheck?(parsed: { fila: number; value: P }[], existing: R[]): { fila: number; campo: string; mensaje: string }[];
  write(tx: DbOrTx, rows: (V & { id: string })[]): Promise<void>;
}

/** `SET col = excluded.col` for an upsert by id; casing is snake_case in the database. */
export function excludedSet<T extends { $inferInsert: object }>(_table: T, names: (keyof T['$inferInsert'] & string)[]): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const name of names) set[name] = sql.raw(`excluded."${toSnakeCase(name)}"`);
  set.updatedAt = sql`now()`;
  return set;
}

/** JSON with object keys sorted: jsonb does not keep the key order it was given. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  return canonical(a) === canonical(b);
}

/** `value` unless undefined (column absent from the file), then the stored one, then `fallback`. */
export function pick<T>(value: T | undefined, stored: T | undefined, fallback: T): T {
  if (value !== undefined) return value;
  if (stored !== undefined) return stored;
  return fallback;
}
