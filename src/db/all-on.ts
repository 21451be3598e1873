import { PgTransaction } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

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
