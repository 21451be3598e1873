import { getTableColumns, is, SQL, sql, type Column, type SQLWrapper } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { PgTransaction, type PgTable } from 'drizzle-orm/pg-core';
import type { WithSubquery } from 'drizzle-orm/subquery';
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

/** Up to this many values, `anyOf` names each one (a statement per count); beyond, one array. */
const LIST_MAX = 8;

/**
 * "`column` is one of `values`" for a prepared statement: the condition, the suffix to name the
 * statement by (its shape) and the parameters. Up to `LIST_MAX` values, one placeholder each
 * (`IN ($key0, $key1, …)`); beyond, one array parameter (`= ANY($key)`). PostgreSQL estimates an
 * array parameter at ten elements: for fewer values the generic plan looks dearer than a custom
 * one and the statement is planned again on every call (pg_stat_statements: plans = calls),
 * which for a look-up by id costs more than running it. An empty list matches nothing.
 */
export function anyOf(key: string, values: readonly unknown[], type: string) {
  const many = values.length > LIST_MAX;
  const params: Record<string, unknown> = {};
  if (many) params[key] = values;
  else values.forEach((value, i) => (params[`${key}${i}`] = value));
  const named = values.map((_, i) => sql`${sql.placeholder(`${key}${i}`)}::${sql.raw(type)}`);
  return {
    shape: many ? 'n' : String(values.length),
    params,
    /** The values as an array expression (`ARRAY[$key0, …]`, or the one array parameter), e.g. for `unnest`. */
    array: many ? sql`${sql.placeholder(key)}::${sql.raw(type)}[]` : sql`ARRAY[${sql.join(named, sql`, `)}]::${sql.raw(type)}[]`,
    where(column: SQLWrapper): SQL {
      if (many) return sql`${column} = ANY(${sql.placeholder(key)}::${sql.raw(type)}[])`;
      if (values.length === 0) return sql`false`;
      return sql`${column} IN (${sql.join(named, sql`, `)})`;
    },
  };
}

export interface PreparedInsertOptions {
  /** Columns with a database default (now(), gen_random_uuid(), serial) that callers give anyway, e.g. the id. */
  bind?: string[];
  /** A CTE the INSERT carries (the audit rows: `auditedInsert`), its placeholders filled from `params`. */
  with?: (root: Db) => WithSubquery;
  returning?: boolean;
}

/**
 * The columns a prepared INSERT binds and the encoding of a row's values into their
 * placeholders: every insertable column except those PostgreSQL fills (an SQL default or a
 * serial: left to it, unless named in `bind`); a column not given takes its constant default or
 * NULL, as in an INSERT that leaves it out. Giving a value for a column left to PostgreSQL is a
 * programming error and throws, rather than being dropped silently.
 */
export function insertColumns<T extends PgTable>(table: T, name: string, bind: string[] = []) {
  const columns = Object.entries(getTableColumns(table));
  for (const [key, column] of columns) {
    if (column.defaultFn || column.onUpdateFn) throw new Error(`preparedInsert(${name}): ${key} has a JS default function, which a prepared INSERT cannot call`);
  }
  // Serial columns and SQL defaults (now(), gen_random_uuid()) are left to PostgreSQL.
  const byDatabase = (column: Column) => column.hasDefault && (column.default === undefined || is(column.default, SQL));
  const bound = columns.filter(([key, column]) =>
    column.generated === undefined && column.generatedIdentity === undefined && (!byDatabase(column) || bind.includes(key)));
  const boundKeys = new Set(bound.map(([key]) => key));
  return {
    bound,
    /** `params` plus one encoded value per bound column, keyed by the column's key. */
    fill(values: T['$inferInsert'], params: Record<string, unknown> = {}): Record<string, unknown> {
      const filled: Record<string, unknown> = { ...params };
      for (const [key, column] of bound) {
        const value = (values as Record<string, unknown>)[key];
        if (value === undefined && byDatabase(column)) throw new Error(`preparedInsert(${name}): no value for ${key}, which is bound`);
        const given = value !== undefined ? value : column.default ?? null;
        filled[key] = given === null ? null : column.mapToDriverValue(given);
      }
      for (const key in values) {
        if ((values as Record<string, unknown>)[key] !== undefined && !boundKeys.has(key)) {
          throw new Error(`preparedInsert(${name}): ${key} is left to its SQL default; name it in bind`);
        }
      }
      return filled;
    },
  };
}

/** A column's name in SQL: the client converts keys to snake_case (`casing` in client.ts). */
export function columnName(column: Column): string {
  return (column as Column & { keyAsName?: boolean }).keyAsName ? toSnakeCase(column.name) : column.name;
}

/**
 * A wide table's INSERT as a prepared statement: Drizzle builds an INSERT by walking every
 * column and converting its casing, which costs more API CPU than the round trip on the hot
 * write paths. The columns and their values as `insertColumns` says.
 */
export function preparedInsert<T extends PgTable>(table: T, name: string, options: PreparedInsertOptions = {}) {
  const { bound, fill } = insertColumns(table, name, options.bind);
  const build = (root: Db) => {
    // Bare placeholders (inside sql``): Drizzle would run a column's encoder on NULL too (jsonb
    // would store the JSON value null, timestamps would throw); values are encoded by `fill`.
    const placeholders = Object.fromEntries(bound.map(([key]) => [key, sql`${sql.placeholder(key)}`]));
    const insert = (options.with ? root.with(options.with(root)) : root).insert(table).values(placeholders as T['$inferInsert']);
    return (options.returning ? insert.returning() : insert).prepare(name) as unknown as { execute(params: Record<string, unknown>): Promise<unknown> };
  };
  return async (db: DbOrTx, values: T['$inferInsert'], params: Record<string, unknown> = {}): Promise<T['$inferSelect'][]> => {
    const result = await prepared(db, name, build).execute(fill(values, params));
    return (options.returning ? result : []) as T['$inferSelect'][];
  };
}
