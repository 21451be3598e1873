import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { fold } from '../../shared/text.js';

/**
 * Word search shared by the catalogs. A query is folded (lower case, no accents, as the SQL
 * function hce_fold does) and split into words; every word must appear in the row, either as
 * a substring ("neumon" finds "neumonía") or, for words of 4+ letters, as a close trigram match
 * ("diabetis" finds "diabetes"). Connector words are dropped so "dolor de cabeza" does not
 * demand a literal "de".
 */

const STOPWORDS = new Set([
  'a', 'al', 'con', 'de', 'del', 'el', 'en', 'la', 'las', 'lo', 'los', 'o', 'para', 'por', 'sin', 'u', 'un', 'una', 'y', 'e',
]);

export function searchWords(query: string): string[] {
  const words = fold(query).split(/[^a-z0-9]+/).filter(Boolean);
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  return (meaningful.length ? meaningful : words).slice(0, 8);
}

/** `folded` is accent-folded text with a trigram index: a stored `texto_busqueda` column, or an hce_fold(…) expression. */
export function wordsCondition(folded: SQLWrapper, words: string[]): SQL {
  const perWord = words.map((w) =>
    w.length >= 4
      ? sql`(${folded} LIKE ${'%' + w + '%'}::text OR ${w}::text <% ${folded})`
      : sql`${folded} LIKE ${'%' + w + '%'}::text`,
  );
  return sql.join(perWord, sql` AND `);
}

/**
 * Relevance of a row to the words: the text starting with the whole query, then with the first
 * word's stem (catalog texts lead with their head noun: "diabetis" prefers "Diabetes mellitus…"
 * over "Catarata diabética"), then pg_trgm's word similarity, which tolerates typos.
 */
export function wordsScore(folded: SQLWrapper, words: string[]): SQL {
  const phrase = words.join(' ');
  const stem = (words[0] ?? '').slice(0, 5);
  return sql`(CASE WHEN ${folded} LIKE ${phrase + '%'}::text THEN 1 ELSE 0 END
    + CASE WHEN ${folded} LIKE ${stem + '%'}::text THEN 0.5 ELSE 0 END
    + word_similarity(${phrase}::text, ${folded}))`;
}
