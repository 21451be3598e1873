import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsFolder } from '../../shared/paths.js';

/**
 * CIE-10 code handling. Codes arrive typed by hand ("j069", "J06.9", " a97 "); they are stored
 * and compared dotted upper case ("J06.9", "A97"), which is how MINSA's HIS and SUSALUD print them.
 */

// Letter, two digits, then up to two more characters (4th character, or a national 5th).
const COMPACT_CODE = /^[A-Z]\d{2}[0-9A-Z]{0,2}$/;

/** 'j069' → 'J06.9', 'J06.9' → 'J06.9', 'a97' → 'A97'; anything else → undefined. */
export function normalizeCieCode(input: string): string | undefined {
  const raw = input.trim().toUpperCase().replace(/\s+/g, '');
  // A dot, if typed, must sit after the category (J06.9, never J0.69).
  if (raw.includes('.') && !/^[A-Z]\d{2}\.[0-9A-Z]{1,2}$/.test(raw)) return undefined;
  const compact = raw.replace('.', '');
  if (!COMPACT_CODE.test(compact)) return undefined;
  return compact.length === 3 ? compact : `${compact.slice(0, 3)}.${compact.slice(3)}`;
}

/**
 * When a search text looks like the start of a CIE-10 code ("A9", "J06", "j069", "J06."),
 * the dotted prefix to match with LIKE, and the exact code when it is a complete one.
 */
export function cieCodeQuery(input: string): { exact?: string; prefix: string } | undefined {
  const raw = input.trim().toUpperCase();
  if (/^[A-Z]\d{1,2}$/.test(raw)) return raw.length === 3 ? { exact: raw, prefix: raw } : { prefix: raw };
  if (/^[A-Z]\d{2}\.$/.test(raw)) return { prefix: raw };
  const exact = normalizeCieCode(raw);
  return exact ? { exact, prefix: exact } : undefined;
}

/** CIE-10 hierarchy level from a dotted code: 3 for a category, 4 or 5 for subcategories. */
export function cieLevel(code: string): number {
  return code.replace('.', '').length;
}

interface ChapterFile {
  capitulo: string;
  rango: string;
  titulo: string;
  grupos: { rango: string; titulo: string }[];
}

function inRange(category: string, range: string): boolean {
  const [from, to] = range.split('-');
  return !!from && !!to && category >= from && category <= to;
}

let chapters: ChapterFile[] | undefined;

/** Chapter (roman numeral) and block ("J00-J06") of a CIE-10 code, for imports that omit them. */
export function cieChapterOf(code: string): { capitulo: string | null; grupo: string | null } {
  chapters ??= JSON.parse(readFileSync(join(seedsFolder, 'cie10-chapters.json'), 'utf8')) as ChapterFile[];
  const category = code.slice(0, 3);
  const chapter = chapters.find((c) => inRange(category, c.rango));
  const group = chapter?.grupos.find((g) => inRange(category, g.rango));
  return { capitulo: chapter?.capitulo ?? null, grupo: group?.rango ?? null };
}
