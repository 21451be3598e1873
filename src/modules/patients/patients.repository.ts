import { and, asc, count, desc, eq, getTableColumns, isNull, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { allOn } from '../../db/all-on.js';
import { anyOf, columnName, insertColumns, prepared } from '../../db/prepared.js';
import { fold } from '../../shared/text.js';
import { auditedInsert, auditRowsPer } from '../audit/audit.service.js';
import type { PatientRow } from './patients.mapper.js';
import { HC_NUMBER } from './patients.schemas.js';
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

const summaryColumns = {
  id: patients.id, nombres: patients.nombres, apellidoPaterno: patients.apellidoPaterno, apellidoMaterno: patients.apellidoMaterno,
  numeroHistoriaClinica: patients.numeroHistoriaClinica, tipoDocumento: patients.tipoDocumento, numeroDocumentoEnc: patients.numeroDocumentoEnc,
  fechaNacimiento: patients.fechaNacimiento, sexo: patients.sexo,
};
export type PatientSummaryRow = Pick<PatientRow, keyof typeof summaryColumns>;

/** `column` is none of these ids (one array parameter, or a placeholder for one). */
function notAny(column: SQLWrapper, ids: string[] | Placeholder): SQL {
  return sql`${column} <> ALL(${Array.isArray(ids) ? sql.param(ids) : ids}::uuid[])`;
}

/** No document type given (NULL) or this one: one prepared statement serves both. */
function ofType(tipo: Placeholder): SQL {
  return sql`(${tipo}::text IS NULL OR ${patients.tipoDocumento} = ${tipo}::text)`;
}

/** A new patient's columns but the HC number, which `insertWithNextHc` draws in SQL. */
const newPatientColumns = insertColumns(patients, 'patients_insert_next_hc', ['id']);
const drawnColumns = newPatientColumns.bound.filter(([key]) => key !== 'numeroHistoriaClinica');

/** The RETURNING of `insertWithNextHc`'s INSERT, read back with each column's own decoding. */
const insertedColumns = Object.fromEntries(Object.entries(getTableColumns(patients))
  .map(([key, column]) => [key, sql`ins.${sql.identifier(columnName(column))}`.mapWith(column)])) as unknown as { [K in keyof PatientRow]: SQL<PatientRow[K]> };

export type NewPatientValues = Omit<typeof patients.$inferInsert, 'numeroHistoriaClinica'>;

/** An HC number: `prefix` and the sequence value `v` padded to at least `digits` digits (both placeholders). */
function hcFormat(v: SQL): SQL {
  return sql`${sql.placeholder('prefix')}::text || CASE WHEN length(${v}::text) >= ${sql.placeholder('digits')}::int
    THEN ${v}::text ELSE lpad(${v}::text, ${sql.placeholder('digits')}::int, '0') END`;
}


/** Name words a typed word may stand for before the search checks it row by row instead (see `byWordPrefixes`). */
const EXPANSION_CAP = 64;

export const patientsRepository = {
  /** A new patient and its audit rows (`AuditService.rowsParam`); `version` and the timestamps take their defaults. */
  insertAudited: auditedInsert(patients, 'patients_insert_audited', { bind: ['id'] }),
  async findById(db: DbOrTx, id: string): Promise<PatientRow | undefined> {
    const statement = prepared(db, 'patients_by_id', (root) =>
      root.select().from(patients).where(eq(patients.id, sql.placeholder('id'))).limit(1).prepare('patients_by_id'));
    const [row] = await statement.execute({ id });
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<PatientRow | undefined> {
    const [row] = await db.select().from(patients).where(eq(patients.id, id)).limit(1).for('update');
    return row;
  },
  /** The live patient with this document (a merged duplicate only when no live one has it); one blind index per data key. */
  async findByDocument(db: DbOrTx, tipo: string, indexes: string[]): Promise<PatientRow | undefined> {
    // One blind index per data key: a statement per number of keys (`anyOf`).
    const keys = anyOf('index', indexes, 'text');
    const name = `patients_by_document_${keys.shape}`;
    const statement = prepared(db, name, (root) => root.select().from(patients)
      .where(and(eq(patients.tipoDocumento, sql.placeholder('tipo')), keys.where(patients.numeroDocumentoBidx)))
      .orderBy(sql`${patients.mergedInto} IS NOT NULL`).limit(1).prepare(name));
    const [row] = await statement.execute({ tipo, ...keys.params });
    return row;
  },
  async findByIds(db: DbOrTx, ids: string[]): Promise<PatientRow[]> {
    if (ids.length === 0) return [];
    const list = anyOf('id', ids, 'uuid');
    const name = `patients_by_ids_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select().from(patients).where(list.where(patients.id)).prepare(name));
    return statement.execute(list.params);
  },
  /** The few columns a patient summary needs (agenda, reports): no wide JSON columns to read and map. */
  async summaryRowsByIds(db: DbOrTx, ids: string[]): Promise<PatientSummaryRow[]> {
    if (ids.length === 0) return [];
    const list = anyOf('id', [...new Set(ids)], 'uuid');
    const name = `patients_summaries_by_ids_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select(summaryColumns).from(patients).where(list.where(patients.id)).prepare(name));
    return statement.execute(list.params);
  },
  /**
   * The next number of the HC sequence, formatted as `prefix` + at least `digits` digits, and
   * whether a patient already holds it (one round trip; imported records may hold any number).
   */
  async nextHcNumber(db: DbOrTx, prefix: string, digits: number): Promise<{ hc: string; taken: boolean }> {
    const statement = prepared(db, 'patients_next_hc', (root) => root.select({
      hc: sql<string>`n.hc`,
      taken: sql<boolean>`EXISTS (SELECT 1 FROM ${patients} WHERE ${patients.numeroHistoriaClinica} = n.hc)`,
    }).from(sql`(SELECT ${hcFormat(sql`s.v`)} AS hc FROM (SELECT nextval('patients_hc_seq') AS v) AS s) AS n`).prepare('patients_next_hc'));
    const [row] = await statement.execute({ prefix, digits });
    return row!;
  },
  /**
   * A new patient with a document and an HC number from the sequence, in one statement (one
   * round trip, no transaction): refuses a document another patient holds (live first, as
   * `findByDocument`), draws the next number only when there is none (no gap for a duplicate),
   * inserts unless an imported record already holds that number, and writes the audit rows
   * (`AuditService.rowsParam`) with the drawn number added to their details. Exactly one of:
   * the new row; the holder of the document; `taken` (the drawn number was held: draw again).
   */
  async insertWithNextHc(db: DbOrTx, values: NewPatientValues, auditRows: string,
    guard: { tipo: string; indexes: string[]; prefix: string; digits: number }):
    Promise<{ row?: PatientRow; holder?: { id: string; mergedInto: string | null }; taken?: true }> {
    const { indexes, ...format } = guard;
    const keys = anyOf('index', indexes, 'text');
    const name = `patients_insert_next_hc_${keys.shape}`;
    const statement = prepared(db, name, (root) => {
      const holder = root.$with('d', {}).as(sql`SELECT ${patients.id} AS holder_id, ${patients.mergedInto} AS holder_merged_into FROM ${patients}
        WHERE ${patients.tipoDocumento} = ${sql.placeholder('tipo')}::text AND ${keys.where(patients.numeroDocumentoBidx)}
        ORDER BY ${patients.mergedInto} IS NOT NULL LIMIT 1`);
      // CASE keeps nextval from running when the document is taken.
      const drawn = root.$with('n', {}).as(sql`SELECT ${hcFormat(sql`s.v`)} AS drawn_hc
        FROM (SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM d) THEN nextval('patients_hc_seq') END AS v) AS s WHERE s.v IS NOT NULL`);
      // INSERT … SELECT gives its values no column to infer types from: each placeholder is cast.
      const inserted = root.$with('ins', {}).as(sql`INSERT INTO ${patients}
          (${sql.join(drawnColumns.map(([, column]) => sql.identifier(columnName(column))), sql`, `)}, ${sql.identifier(columnName(patients.numeroHistoriaClinica))})
        SELECT ${sql.join(drawnColumns.map(([key, column]) => sql`${sql.placeholder(key)}::${sql.raw(column.getSQLType())}`), sql`, `)}, n.drawn_hc FROM n
        WHERE NOT EXISTS (SELECT 1 FROM ${patients} AS held WHERE held.numero_historia_clinica = n.drawn_hc)
        RETURNING *`);
      const audit = root.$with('audit_rows', {}).as(auditRowsPer(sql.placeholder('auditRows'), sql`ins`,
        sql`jsonb_build_object('numeroHistoriaClinica', ins.numero_historia_clinica)`));
      return root.with(holder, drawn, inserted, audit).select({
        holderId: sql<string | null>`holder_id`, holderMergedInto: sql<string | null>`holder_merged_into`, patient: insertedColumns,
      }).from(sql`(SELECT 1 AS one) AS one LEFT JOIN d ON true LEFT JOIN ins ON true`).prepare(name);
    });
    const [result] = await statement.execute(newPatientColumns.fill(values as typeof patients.$inferInsert, { ...format, ...keys.params, auditRows }));
    const { holderId, holderMergedInto, patient } = result!;
    if (holderId) return { holder: { id: holderId, mergedInto: holderMergedInto } };
    // Nothing inserted leaves every column of `ins` NULL.
    return (patient as { id: string | null }).id !== null ? { row: patient } : { taken: true };
  },
  async hcExists(db: DbOrTx, hc: string): Promise<boolean> {
    const statement = prepared(db, 'patients_hc_exists', (root) => root.select({ id: patients.id }).from(patients)
      .where(eq(patients.numeroHistoriaClinica, sql.placeholder('hc'))).limit(1).prepare('patients_hc_exists'));
    const [row] = await statement.execute({ hc });
    return Boolean(row);
  },

  /**
   * Name search, in steps, each run only when the one before found nothing:
   *  1. exact HC number / document hits (always listed first) plus names having, for every typed
   *     word and in any order, a word that starts with it; names with more whole-word matches
   *     rank first, then by the folded surname-first key. One typed word: `byWordPrefix` (word
   *     index, index-only, so thousands of namesakes are ranked and counted without reading
   *     their rows); several: `byWordPrefixes` (trigram intersection, then a word-start check);
   *  2. names containing every typed word anywhere (trigram index), ranked by word similarity;
   *  3. fuzzy matches for typos (`<%`, also the trigram index), for queries of 4+ characters.
   * Totals are exact in every step.
   */
  async search(db: DbOrTx, params: SearchParams): Promise<{ rows: PatientRow[]; total: number }> {
    const base: SQL[] = [isNull(patients.mergedInto)];
    if (params.tipoDocumento) base.push(eq(patients.tipoDocumento, params.tipoDocumento));
    if (params.search === undefined) return this.page(db, and(...base)!, undefined, params);
    const tokens = [...new Set(searchTokens(params.search))];
    const query = tokens.join(' ');
    const keys = anyOf('index', params.documentIndexes ?? [], 'text');
    const exactName = `patients_search_exact_${keys.shape}`;
    const exactHits = prepared(db, exactName, (root) => root.select().from(patients)
      .where(and(isNull(patients.mergedInto), ofType(sql.placeholder('tipo')),
        sql`(${patients.numeroHistoriaClinica} = ${sql.placeholder('hc')} OR ${keys.where(patients.numeroDocumentoBidx)})`))
      .orderBy(asc(patients.apellidoPaterno), asc(patients.apellidoMaterno), asc(patients.nombres), asc(patients.id))
      .prepare(exactName));
    const hc = params.search.trim().toUpperCase();
    // HC numbers hold only letters, digits and hyphens (the schema, HC_PREFIX): a text with a
    // space or an accent that is no document either cannot hit, and skips the round trip.
    const hits = HC_NUMBER.test(hc) || keys.shape !== '0'
      ? await exactHits.execute({ tipo: params.tipoDocumento ?? null, hc, ...keys.params }) : [];
    const fromHits = hits.slice(params.offset, params.offset + params.limit);
    if (tokens.length > 0) {
      const page = { limit: Math.max(params.limit - fromHits.length, 0), offset: Math.max(params.offset - hits.length, 0) };
      const exclude = hits.map((h) => h.id);
      const words = tokens.length === 1
        ? await this.byWordPrefix(db, tokens[0]!, params.tipoDocumento, exclude, page.limit, page.offset)
        : await this.byWordPrefixes(db, tokens, params.tipoDocumento, exclude, page);
      if (hits.length + words.total > 0) return { rows: [...fromHits, ...words.rows], total: hits.length + words.total };
    }
    if (hits.length > 0) return { rows: fromHits, total: hits.length };
    if (tokens.length === 0) return { rows: [], total: 0 };
    const similarity = sql`word_similarity(${query}, ${patients.nombreBusqueda})`;
    const contains = and(...tokens.map((t) => sql`${patients.nombreBusqueda} LIKE ${'%' + t + '%'}`))!;
    const second = await this.page(db, and(...base, contains)!, similarity, params);
    if (second.total > 0 || query.length < 4) return second;
    return this.page(db, and(...base, sql`${query} <% ${patients.nombreBusqueda}`)!, similarity, params);
  },
  /**
   * Step 1 for several typed words: each word is expanded to the name words starting with it
   * (`wordsStartingWith`), and the GIN index over each patient's name words intersects those
   * sets (`&&` per typed word: exact words, no recheck). A typed word with more than
   * `EXPANSION_CAP` such words (one or two letters) is checked by a regular expression on the
   * rows the others select instead. Same rule and ranking as `byWordPrefix`. One prepared
   * statement per shape (which words go through the index), planned once.
   */
  async byWordPrefixes(db: DbOrTx, tokens: string[], tipoDocumento: string | undefined, exclude: string[], page: { limit: number; offset: number }): Promise<{ rows: PatientRow[]; total: number }> {
    const expansions = await patientsRepository.wordsStartingWith(db, tokens);
    if (expansions.some((words) => words.length === 0)) return { rows: [], total: 0 };
    const indexed = expansions.map((words) => words.length <= EXPANSION_CAP);
    const shape = indexed.map((i) => (i ? 'w' : 'r')).join('');
    const names = sql`hce_name_words_array(${patients.nombreBusqueda})`;
    // `|| ''` keeps a regular-expression check out of the trigram index, which could serve it but
    // would only repeat at greater cost what the word sets already selected.
    const where = () => and(isNull(patients.mergedInto), ofType(sql.placeholder('tipo')), notAny(patients.id, sql.placeholder('exclude')),
      ...indexed.map((viaIndex, i) => viaIndex
        ? sql`${names} && ${sql.placeholder(`words${i}`)}::text[]`
        : sql`(${patients.nombreBusqueda} || '') ~ ${sql.placeholder(`start${i}`)}`));
    const wholeWords = sql.join(tokens.map((_, i) => sql`(${patients.nombreBusqueda} ~ ${sql.placeholder(`whole${i}`)})::int`), sql` + `);
    // Tokens hold no regular-expression metacharacter (searchTokens); a word ends at a space, hyphen or apostrophe.
    const values: Record<string, unknown> = { tipo: tipoDocumento ?? null, exclude };
    tokens.forEach((t, i) => Object.assign(values, { [`whole${i}`]: `(^|[ '-])${t}($|[ '-])` },
      indexed[i] ? { [`words${i}`]: expansions[i] } : { [`start${i}`]: `(^|[ '-])${t}` }));
    const pageOf = prepared(db, `patients_search_words_${shape}`, (root) => root.select({ patient: patients, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(patients).where(where()).orderBy(desc(wholeWords), asc(patients.sortKey), asc(patients.id))
      .limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare(`patients_search_words_${shape}`));
    // A ranked search visits every match anyway: page and total in one pass (a window count).
    const found = await pageOf.execute({ ...values, limit: Math.max(page.limit, 1), offset: page.offset });
    if (found.length > 0 || page.offset === 0) return { rows: page.limit > 0 ? found.map((r) => r.patient) : [], total: found[0]?.total ?? 0 };
    // A page past the end still reports how many there are.
    const countOf = prepared(db, `patients_search_words_count_${shape}`, (root) => root.select({ n: count() }).from(patients).where(where())
      .prepare(`patients_search_words_count_${shape}`));
    return { rows: [], total: (await countOf.execute(values))[0]?.n ?? 0 };
  },
  /**
   * For each token, the distinct words of live patients' names that start with it, in byte
   * order, at most `EXPANSION_CAP` + 1 (one more than the cap says "too many"): a skip scan of
   * the word index, one probe per word, in one round trip for all tokens.
   */
  async wordsStartingWith(db: DbOrTx, tokens: string[]): Promise<string[][]> {
    // chr(1114111) is the last code point: in byte order ("C"), every word starting with the token sorts below token || it.
    // A statement per number of tokens (at most eight, `anyOf`): an array parameter's ten-element guess had it planned on every call.
    const list = anyOf('token', tokens, 'text');
    const name = `patients_search_word_expansion_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select({
      words: sql<string[]>`ARRAY(WITH RECURSIVE e AS (
          SELECT (SELECT min(w.word) FROM patient_search_words w WHERE w.word >= t.token AND w.word < t.token || chr(1114111)) AS word, 1 AS n
          UNION ALL
          SELECT (SELECT min(w.word) FROM patient_search_words w WHERE w.word > e.word AND w.word < t.token || chr(1114111)), e.n + 1
          FROM e WHERE e.word IS NOT NULL AND e.n <= ${sql.placeholder('cap')}::int)
        SELECT word FROM e WHERE word IS NOT NULL)`,
    }).from(sql`unnest(${list.array}) WITH ORDINALITY AS t(token, i)`).orderBy(sql`t.i`).prepare(name));
    return (await statement.execute({ ...list.params, cap: EXPANSION_CAP })).map((r) => r.words);
  },
  /** Step 1 for one typed word: live patients with a name word starting with it (index-only range scan of the word index). */
  async byWordPrefix(db: DbOrTx, token: string, tipoDocumento: string | undefined, exclude: string[], limit: number, offset: number): Promise<{ rows: PatientRow[]; total: number }> {
    // Tokens hold only letters, digits, spaces, apostrophes and hyphens (searchTokens), so no LIKE metacharacter.
    const filters = sql`${tipoDocumento ? sql` AND tipo_documento = ${tipoDocumento}` : sql``}${exclude.length > 0 ? sql` AND ${notAny(sql`patient_id`, exclude)}` : sql``}`;
    // Patients with a word starting with the token. A patient can have several such words
    // ("garcia" and "garcia-perez"), so they are counted distinct, unless every word in the range
    // is the same one (the index's first and last, two probes): one row per patient then, and
    // counting rows skips the distinct pass (half the time for a common surname).
    const prefix = token + '%';
    const countAll = async () => Number((await db.execute<{ n: string | number }>(sql`SELECT CASE
      WHEN (SELECT min(word) = max(word) FROM patient_search_words WHERE word LIKE ${prefix})
      THEN (SELECT count(*) FROM patient_search_words WHERE word LIKE ${prefix}${filters})
      ELSE (SELECT count(DISTINCT patient_id) FROM patient_search_words WHERE word LIKE ${prefix}${filters}) END AS n`)).rows[0]?.n ?? 0);
    const rowsFor = async (ids: string[]) => {
      const byId = new Map((await this.findByIds(db, ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r): r is PatientRow => r !== undefined);
    };
    if (limit > 0) {
      // Whole-word matches rank first, in list order, which is the index's own order for one
      // word: when they fill the page it is read straight from the index (a common surname has
      // thousands), and only the total still spans every word starting with the token.
      const exact = await db.execute<{ patient_id: string }>(sql`SELECT patient_id FROM patient_search_words
        WHERE word = ${token}${filters} ORDER BY sort_key, patient_id LIMIT ${limit} OFFSET ${offset}`);
      if (exact.rows.length === limit) {
        const [rows, total] = await allOn(db, [() => rowsFor(exact.rows.map((r) => r.patient_id)), countAll] as const);
        return { rows, total };
      }
    }
    const matches = sql`SELECT patient_id, sort_key, bool_or(word = ${token}) AS whole FROM patient_search_words
      WHERE word LIKE ${prefix}${filters} GROUP BY patient_id, sort_key`;
    const result = await db.execute<{ patient_id: string; total: string | number }>(sql`
      SELECT patient_id, count(*) OVER () AS total FROM (${matches}) AS m
      ORDER BY whole DESC, sort_key, patient_id LIMIT ${Math.max(limit, 1)} OFFSET ${offset}`);
    const found = result.rows;
    if (found.length === 0) {
      // A page past the end still reports how many there are.
      return { rows: [], total: offset === 0 ? 0 : await countAll() };
    }
    return { rows: limit > 0 ? await rowsFor(found.map((r) => r.patient_id)) : [], total: Number(found[0]!.total) };
  },
  async page(db: DbOrTx, where: SQL, rank: SQL | undefined, params: { limit: number; offset: number }): Promise<{ rows: PatientRow[]; total: number }> {
    // Ranked results break ties by the folded surname-first key, as the word index does.
    const order = rank
      ? [desc(rank), asc(patients.sortKey), asc(patients.id)]
      : [asc(patients.apellidoPaterno), asc(patients.apellidoMaterno), asc(patients.nombres), asc(patients.id)];
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
