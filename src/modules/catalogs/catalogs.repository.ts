import { and, arrayOverlaps, asc, count, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { cieCodeQuery } from './cie10.js';
import { searchWords, wordsCondition, wordsScore } from './search-text.js';
import { allergenGroups, diagnoses, medications, notifiableDiseases, procedures, type ProcedureType } from './catalogs.table.js';

export type DiagnosisRow = typeof diagnoses.$inferSelect;
export type MedicationRow = typeof medications.$inferSelect;
export type ProcedureRow = typeof procedures.$inferSelect;
export type AllergenGroupRow = typeof allergenGroups.$inferSelect;
export type NotifiableDiseaseRow = typeof notifiableDiseases.$inferSelect;

interface Page {
  limit: number;
  offset: number;
}

// ATC codes run A, A01, A01A, A01AB, A01AB01: a query shaped like one is matched as a code prefix.
const ATC_QUERY = /^[A-Z](\d{2}([A-Z]([A-Z](\d{1,2})?)?)?)?$/;
const PROCEDURE_CODE_QUERY = /^\d{2,6}(\.\d{0,2})?$/;

type SearchTable = typeof diagnoses | typeof medications | typeof procedures;

/**
 * One page of a catalog search with its total: every match is counted in the pass that ranks
 * them (`count(*) OVER ()`, the candidates are scored anyway); only a page past the last match
 * has no row to carry the total, and is then counted apart.
 */
async function searchPage<T extends SearchTable>(db: DbOrTx, table: T, where: SQL | undefined, order: SQL[], page: Page) {
  type Row = T['$inferSelect'];
  const found = await db.select({ row: getTableColumns(table), total: sql<number>`count(*) over ()`.mapWith(Number) }).from(table as SearchTable)
    .where(where).orderBy(...order).limit(page.limit).offset(page.offset);
  if (found[0]) return { rows: found.map((f) => f.row as Row), total: found[0].total };
  if (page.offset === 0) return { rows: [] as Row[], total: 0 };
  const [all] = await db.select({ n: count() }).from(table as SearchTable).where(where);
  return { rows: [] as Row[], total: Number(all?.n ?? 0) };
}

export const catalogsRepository = {
  /**
   * Code-shaped queries ("A97", "j069", "J06.") match codes: the exact code first, then the
   * codes under it in order. Anything else is a word search ranked by relevance.
   */
  async searchDiagnoses(db: DbOrTx, filter: Page & { search?: string | undefined; sistema: string; incluirInactivos?: boolean | undefined }) {
    const conditions: SQL[] = [eq(diagnoses.sistema, filter.sistema)];
    if (!filter.incluirInactivos) conditions.push(eq(diagnoses.activo, true));
    let order: SQL[] = [asc(diagnoses.codigo)];
    const search = filter.search?.trim();
    const code = search ? cieCodeQuery(search) : undefined;
    if (search && code) {
      conditions.push(sql`${diagnoses.codigo} LIKE ${code.prefix + '%'}::text`);
      order = [sql`(${diagnoses.codigo} = ${code.exact ?? ''}::text) DESC`, asc(diagnoses.codigo)];
    } else if (search) {
      const words = searchWords(search);
      if (words.length) {
        // Sistemas other than CIE-10 may use codes of other shapes: match those too.
        const upper = search.toUpperCase();
        conditions.push(sql`(${wordsCondition(diagnoses.textoBusqueda, words)} OR ${diagnoses.codigo} LIKE ${upper + '%'}::text)`);
        order = [sql`(${diagnoses.codigo} = ${upper}::text) DESC`, sql`${wordsScore(diagnoses.textoBusqueda, words)} DESC`, sql`length(${diagnoses.descripcion})`, asc(diagnoses.codigo)];
      }
    }
    const where = and(...conditions);
    return searchPage(db, diagnoses, where, order, filter);
  },

  async findDiagnosis(db: DbOrTx, sistema: string, codigo: string): Promise<DiagnosisRow | undefined> {
    const [row] = await db.select().from(diagnoses).where(and(eq(diagnoses.sistema, sistema), eq(diagnoses.codigo, codigo))).limit(1);
    return row;
  },

  async countDiagnoses(db: DbOrTx): Promise<number> {
    const [row] = await db.select({ n: count() }).from(diagnoses);
    return Number(row?.n ?? 0);
  },

  async searchMedications(db: DbOrTx, filter: Page & { search?: string | undefined; petitorio?: boolean | undefined; controlado?: boolean | undefined; incluirInactivos?: boolean | undefined }) {
    const conditions: SQL[] = [];
    if (!filter.incluirInactivos) conditions.push(eq(medications.activo, true));
    if (filter.petitorio !== undefined) conditions.push(eq(medications.petitorio, filter.petitorio));
    if (filter.controlado !== undefined) conditions.push(eq(medications.controlado, filter.controlado));
    let order: SQL[] = [asc(medications.dci), asc(medications.concentracion), asc(medications.formaFarmaceutica), asc(medications.id)];
    const search = filter.search?.trim();
    if (search && ATC_QUERY.test(search.toUpperCase()) && search.length >= 3) {
      conditions.push(sql`${medications.codigoAtc} LIKE ${search.toUpperCase() + '%'}::text`);
      order = [asc(medications.codigoAtc), ...order];
    } else if (search) {
      const words = searchWords(search);
      if (words.length) {
        const dciText = sql`hce_fold(${medications.dci})`;
        conditions.push(wordsCondition(medications.textoBusqueda, words));
        order = [sql`${wordsScore(dciText, words)} DESC`, sql`${wordsScore(medications.textoBusqueda, words)} DESC`, ...order];
      }
    }
    const where = conditions.length ? and(...conditions) : undefined;
    return searchPage(db, medications, where, order, filter);
  },

  async findMedication(db: DbOrTx, id: string): Promise<MedicationRow | undefined> {
    const statement = prepared(db, 'medications_by_id', (root) => root.select().from(medications)
      .where(eq(medications.id, sql.placeholder('id'))).limit(1).prepare('medications_by_id'));
    const [row] = await statement.execute({ id });
    return row;
  },

  async searchProcedures(db: DbOrTx, filter: Page & { search?: string | undefined; tipo?: ProcedureType | undefined; especialidad?: string | undefined; incluirInactivos?: boolean | undefined }) {
    const conditions: SQL[] = [];
    if (!filter.incluirInactivos) conditions.push(eq(procedures.activo, true));
    if (filter.tipo) conditions.push(eq(procedures.tipo, filter.tipo));
    if (filter.especialidad) conditions.push(sql`hce_fold(${procedures.especialidad}) = hce_fold(${filter.especialidad}::text)`);
    let order: SQL[] = [asc(procedures.tipo), asc(procedures.nombre), asc(procedures.id)];
    const search = filter.search?.trim();
    if (search && PROCEDURE_CODE_QUERY.test(search)) {
      conditions.push(sql`${procedures.codigo} LIKE ${search + '%'}::text`);
      order = [sql`(${procedures.codigo} = ${search}::text) DESC`, asc(procedures.codigo)];
    } else if (search) {
      const words = searchWords(search);
      if (words.length) {
        conditions.push(wordsCondition(procedures.textoBusqueda, words));
        order = [sql`${wordsScore(sql`hce_fold(${procedures.nombre})`, words)} DESC`, ...order];
      }
    }
    const where = conditions.length ? and(...conditions) : undefined;
    return searchPage(db, procedures, where, order, filter);
  },

  /** By CPMS code, or by id (procedures without a code are referenced by id). */
  async findProcedure(db: DbOrTx, codeOrId: string): Promise<ProcedureRow | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(codeOrId);
    const [row] = await db.select().from(procedures).where(isUuid ? eq(procedures.id, codeOrId) : eq(procedures.codigo, codeOrId.toUpperCase())).limit(1);
    return row;
  },

  async listAllergenGroups(db: DbOrTx): Promise<AllergenGroupRow[]> {
    return db.select().from(allergenGroups).where(eq(allergenGroups.activo, true)).orderBy(asc(allergenGroups.codigo));
  },

  /** Notifiable diseases listing the code itself or its 3-character category. */
  async notifiableByCodes(db: DbOrTx, codes: string[]): Promise<NotifiableDiseaseRow[]> {
    return db.select().from(notifiableDiseases)
      .where(and(eq(notifiableDiseases.activo, true), arrayOverlaps(notifiableDiseases.cieCodigos, codes)))
      .orderBy(asc(notifiableDiseases.codigo));
  },
};
