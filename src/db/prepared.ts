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

/**
 * Promise.all for queries on one handle: concurrent on the pool, one after another inside a
 * transaction (a transaction is one connection; node-postgres deprecates queuing on it).
 */
export async function allOn<T extends readonly (() => Promise<unknown>)[]>(db: DbOrTx, tasks: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  if (!(db instanceof PgTransaction)) return Promise.all(tasks.map((task) => task())) as never;
  const results: unknown[] = [];
  for (const task of tasks) results.push(await task());
  return results as never;
}
