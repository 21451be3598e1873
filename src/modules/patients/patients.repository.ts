import { and, asc, count, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { allOn } from '../../db/all-on.js';
import { prepared } from '../../db/prepared.js';
import { fold } from '../../shared/text.js';
import type { PatientRow } from './patients.mapper.js';
import { patients } from './patients.table.js';

export interface SearchParams {
  search?: string | undefined;
  tipoDocumento?: string | undefined;
  documentIndexes?: string[] | undefined;
  limit: number;
  offset: number;
}

/** Search tokens: folded words of letters and digits only, so LIKE metacharacters never pass. */
export function searchTokens(search: string): string[] {
  return fold(search).replace(/[^a-z0-9ñ' -]/g, ' ').split(/\s+/).filter((t) => t.length > 0).slice(0, 8);
}

export const patientsRepository = {
  async findById(db: DbOrTx, id: string): Promise<PatientRow | undefined> {
    const statement = prepared(db, 'patients_by_id', (root) =>
      root.select().from(patients).where(eq(patients.id, sql.placeholder('id'))).limit(1).prepare('patients_by_id'));
    const [row] = statement ? await statement.execute({ id }) : await db.select().from(patients).where(eq(patients.id, id)).limit(1);
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<PatientRow | undefined> {
    const [row] = await db.select().from(patients).where(eq(patients.id, id)).limit(1).for('update');
    return row;
  },
  async findByDocument(db: DbOrTx, tipo: string, indexes: string[]): Promise<PatientRow | undefined> {
    const [row] = await db.select().from(patients)
      .where(and(eq(patients.tipoDocumento, tipo), inArray(patients.numeroDocumentoBidx, indexes)))
      .orderBy(sql`${patients.mergedInto} IS NOT NULL`).limit(1);
    return row;
  },
  async findByIds(db: DbOrTx, ids: string[]): Promise<PatientRow[]> {
    if (ids.length === 0) return [];
    return db.select().from(patients).where(inArray(patients.id, ids));
  },
  async nextHcNumber(db: DbOrTx): Promise<number> {
    const result = await db.execute<{ n: number }>(sql`SELECT nextval('patients_hc_seq')::int AS n`);
    return Number(result.rows[0]!.n);
  },
  async hcExists(db: DbOrTx, hc: string): Promise<boolean> {
    const [row] = await db.select({ id: patients.id }).from(patients).where(eq(patients.numeroHistoriaClinica, hc)).limit(1);
    return Boolean(row);
  },

  /**
   * Name search over the folded full name, in two steps: names containing every typed word (trigram index, exact
   * substrings, ranked by word similarity), plus exact HC/document hits; only when that finds
   * nothing, fuzzy matches for typos (`<%`, also served by the trigram index). Running the
   * fuzzy operator on every search would rank thousands of near-misses of common surnames.
   */
  async search(db: DbOrTx, params: SearchParams): Promise<{ rows: PatientRow[]; total: number }> {
    const base: SQL[] = [isNull(patients.mergedInto)];
    if (params.tipoDocumento) base.push(eq(patients.tipoDocumento, params.tipoDocumento));
    if (params.search === undefined) return this.page(db, and(...base)!, undefined, params);
    const tokens = searchTokens(params.search);
    const query = tokens.join(' ');
    const exact: SQL[] = [eq(patients.numeroHistoriaClinica, params.search.trim().toUpperCase())];
    if (params.documentIndexes?.length) exact.push(inArray(patients.numeroDocumentoBidx, params.documentIndexes));
    const exactHit = sql`(${sql.join(exact, sql` OR `)})`;
    const similarity = tokens.length > 0 ? sql` + word_similarity(${query}, ${patients.nombreBusqueda})` : sql``;
    const rank = sql`CASE WHEN ${exactHit} THEN 2 ELSE 0 END${similarity}`;
    const contains = tokens.length > 0 ? and(...tokens.map((t) => sql`${patients.nombreBusqueda} LIKE ${'%' + t + '%'}`)) : undefined;
    const first = await this.page(db, and(...base, contains ? sql`(${exactHit} OR ${contains})` : exactHit)!, rank, params);
    if (first.total > 0 || query.length < 4) return first;
    return this.page(db, and(...base, sql`${query} <% ${patients.nombreBusqueda}`)!, sql`word_similarity(${query}, ${patients.nombreBusqueda})`, params);
  },
  async page(db: DbOrTx, where: SQL, rank: SQL | undefined, params: { limit: number; offset: number }): Promise<{ rows: PatientRow[]; total: number }> {
    const order = [...(rank ? [desc(rank)] : []), asc(patients.apellidoPaterno), asc(patients.apellidoMaterno), asc(patients.nombres), asc(patients.id)];
    const countAll = async () => Number((await db.select({ n: count() }).from(patients).where(where))[0]?.n ?? 0);
    if (!rank) {
      // The plain list walks the surname index and stops after one page; count apart.
      const [rows, total] = await allOn(db, [() => db.select().from(patients).where(where).orderBy(...order).limit(params.limit).offset(params.offset), countAll] as const);
      return { rows, total };
    }
    // A ranked search visits every match anyway: page and total in one pass (a window count).
    const found = await db.select({ patient: patients, total: sql<number>`count(*) over ()`.mapWith(Number) }).from(patients).where(where)
      .orderBy(...order).limit(params.limit).offset(params.offset);
    if (found.length > 0 || params.offset === 0) return { rows: found.map((r) => r.patient), total: found[0]?.total ?? 0 };
    return { rows: [], total: await countAll() }; // a page past the end still reports how many there are
  },
};
