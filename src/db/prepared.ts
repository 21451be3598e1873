import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from './client.js';

/** What Drizzle's prepared queries (node-postgres and PGlite) run on: their session's client. */
interface ClientBound {
  client: unknown;
}

const cache = new WeakMap<object, Map<string, unknown>>();

function statementsOf(key: object): Map<string, unknown> {
  let statements = cache.get(key);
  if (!statements) {
    statements = new Map();
    cache.set(key, statements);
  }
  return statements;
}

/**
 * A hot query built once and kept as a named prepared statement (PostgreSQL parses and
 * plans it once per connection; Drizzle skips rebuilding the SQL, which costs more CPU than
 * the query itself on wide tables). Pass the query with `sql.placeholder(...)` values.
 *
 * Outside a transaction the statement is cached per database handle. Inside one it must run
 * on the transaction's connection: the statement is built once per driver (its SQL, columns
 * and row mapping do not depend on the connection) and each call gets a view of it bound to
 * the transaction's client (the shared statement itself is never changed).
 */
export function prepared<T extends object>(db: DbOrTx, name: string, build: (db: Db) => T): T {
  if (!(db instanceof PgTransaction)) {
    const statements = statementsOf(db);
    let statement = statements.get(name) as T | undefined;
    if (!statement) {
      statement = build(db as Db);
      statements.set(name, statement);
    }
    return statement;
  }
  const session = (db as unknown as { session: ClientBound }).session;
  const statements = statementsOf(session.constructor);
  let statement = statements.get(name) as (T & ClientBound) | undefined;
  if (!statement) {
    statement = build(db as unknown as Db) as T & ClientBound;
    if (!('client' in statement)) throw new Error(`prepared(${name}): the driver's prepared query has no client to bind`);
    statements.set(name, statement);
  }
  return Object.create(statement, { client: { value: session.client } }) as T;
}
