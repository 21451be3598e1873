import { and, asc, count, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
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
   * Name search over the folded full name (every word must appear, any order), typo-tolerant
   * through trigram word similarity; exact HC number and document (blind index) also match.
   */
  async search(db: DbOrTx, params: SearchParams): Promise<{ rows: PatientRow[]; total: number }> {
    const conditions: SQL[] = [isNull(patients.mergedInto)];
    if (params.tipoDocumento) conditions.push(eq(patients.tipoDocumento, params.tipoDocumento));
    let rank: SQL | undefined;
    if (params.search !== undefined) {
      const tokens = searchTokens(params.search);
      const query = tokens.join(' ');
      const alternatives: SQL[] = [eq(patients.numeroHistoriaClinica, params.search.trim().toUpperCase())];
      if (params.documentIndexes?.length) alternatives.push(inArray(patients.numeroDocumentoBidx, params.documentIndexes));
      if (tokens.length > 0) {
        alternatives.push(and(...tokens.map((t) => sql`${patients.nombreBusqueda} LIKE ${'%' + t + '%'}`))!);
        if (query.length >= 4) alternatives.push(sql`${query} <% ${patients.nombreBusqueda}`);
      }
      conditions.push(sql`(${sql.join(alternatives, sql` OR `)})`);
      const exact = sql`CASE WHEN ${alternatives[0]!}${params.documentIndexes?.length ? sql` OR ${alternatives[1]!}` : sql``} THEN 2 ELSE 0 END`;
      rank = tokens.length > 0 ? sql`${exact} + word_similarity(${query}, ${patients.nombreBusqueda})` : exact;
    }
    const where = and(...conditions);
    const [rows, totals] = await Promise.all([
      db.select().from(patients).where(where)
        .orderBy(...(rank ? [desc(rank)] : []), asc(patients.apellidoPaterno), asc(patients.apellidoMaterno), asc(patients.nombres), asc(patients.id))
        .limit(params.limit).offset(params.offset),
      db.select({ n: count() }).from(patients).where(where),
    ]);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
};
