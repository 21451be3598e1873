import { UnexpectedShapeError } from './integration-errors.js';

/**
 * Lenient readers for other vendors' JSON. The container and each record's id must be right
 * (else the answer is refused as invalid); a single odd field becomes null rather than
 * hiding every study or result from the doctor.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `a.b.c` from an object (field maps may point into nested objects). */
export function readPath(record: JsonObject, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** The list itself, or the list held under one of `keys` ({ studies: [...] }). */
export function extractList(body: unknown, keys: readonly string[], what: string): unknown[] {
  if (body === undefined) return [];
  if (Array.isArray(body)) return body;
  if (isObject(body)) {
    for (const key of keys) if (Array.isArray(body[key])) return body[key] as unknown[];
  }
  throw new UnexpectedShapeError(`se esperaba una lista de ${what} o un objeto con ${keys.join(', ')}`);
}

export function requireRecords(list: unknown[], what: string): JsonObject[] {
  return list.map((item, index) => {
    if (!isObject(item)) throw new UnexpectedShapeError(`${what} ${index} no es un objeto`);
    return item;
  });
}

const MAX_TEXT = 20_000;

/** Strings (trimmed, non-empty) and numbers as text; anything else null. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, MAX_TEXT) : null;
}

export function requiredId(record: JsonObject, path: string, what: string, index: number): string {
  const id = text(readPath(record, path));
  if (!id) throw new UnexpectedShapeError(`${what} ${index} sin ${path}`);
  return id.slice(0, 200);
}

/** Category names compare without accents or case: "Bioquímica" → BIOQUIMICA. */
export function categoryName(value: unknown): string | null {
  const raw = text(value);
  return raw ? raw.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase() : null;
}

const DATE_ONLY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

function validDate(y: string, m: string, d: string): string | null {
  const iso = `${y}-${m}-${d}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : null;
}

/** YYYY-MM-DD from YYYY-MM-DD, YYYYMMDD (DICOM DA) or an ISO date-time (its own calendar date). */
export function isoDate(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  const match = DATE_ONLY.exec(raw) ?? /^(\d{4})-(\d{2})-(\d{2})T/.exec(raw);
  return match ? validDate(match[1]!, match[2]!, match[3]!) : null;
}

/** A date stays a date; a date-time becomes an ISO instant in UTC. */
export function isoDateOrInstant(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  if (DATE_ONLY.test(raw)) return isoDate(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw)) return null;
  const instant = new Date(raw);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

const TRUE_WORDS = new Set(['true', '1', 'si', 'sí', 'yes', 's', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n']);

export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const raw = text(value)?.toLowerCase();
  if (raw === undefined || raw === null) return null;
  if (TRUE_WORDS.has(raw)) return true;
  if (FALSE_WORDS.has(raw)) return false;
  return null;
}

/** A link the browser may follow as given: absolute http(s) only (no javascript:, data:, …). */
export function safeExternalUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
