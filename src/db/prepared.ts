import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from './client.js';

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * A hot query built once per database handle and kept as a named prepared statement
 * (PostgreSQL parses and plans it once per connection; Drizzle skips rebuilding the SQL,
 * which costs more CPU than the query itself on wide tables). Inside a transaction the
 * statement must run on the transaction's connection, so it is not cached there and the
 * caller builds the query as usual (`undefined` is returned).
 */
export function prepared<T>(db: DbOrTx, name: string, build: (db: Db) => T): T | undefined {
  if (db instanceof PgTransaction) return undefined;
  const root = db as Db;
  let statements = cache.get(root);
  if (!statements) {
    statements = new Map();
    cache.set(root, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (!statement) {
    statement = build(root);
    statements.set(name, statement);
  }
  return statement;
}
