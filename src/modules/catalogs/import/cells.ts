import { fold } from '../../../shared/text.js';

/**
 * Cell coercion for catalog imports. A cell is `undefined` when its column is absent from the
 * file (the import then keeps the stored value), `null` when present but empty (clears it).
 */
export type Cell = string | number | boolean | null | undefined | unknown[] | Record<string, unknown>;

export interface RowIssue {
  campo: string;
  mensaje: string;
}

/** "Cod_Prod" → "codprod", "Situación" → "situacion", "formaFarmaceutica" → "formafarmaceutica". */
export function headerKey(header: string): string {
  return fold(header).replace(/[^a-z0-9]/g, '');
}

/**
 * Maps a record keyed by the file's headers to one keyed by field names, via aliases, and
 * remembers which header fed each field so errors name the column the user sees ("Situación").
 */
export function mapColumns(record: Record<string, Cell>, aliases: Record<string, string[]>): { values: Record<string, Cell>; headers: Record<string, string> } {
  const byKey = new Map<string, [string, Cell]>();
  for (const [header, value] of Object.entries(record)) byKey.set(headerKey(header), [header, value]);
  const values: Record<string, Cell> = {};
  const headers: Record<string, string> = {};
  for (const [field, names] of Object.entries(aliases)) {
    for (const name of [field, ...names]) {
      const found = byKey.get(headerKey(name));
      if (found) {
        [headers[field], values[field]] = found;
        break;
      }
    }
  }
  return { values, headers };
}

/** How many of the headers name a known field (used to find the header row under a title). */
export function knownHeaderCount(headers: string[], aliases: Record<string, string[]>): number {
  const known = new Set(Object.entries(aliases).flatMap(([field, names]) => [field, ...names].map(headerKey)));
  return headers.filter((h) => known.has(headerKey(h))).length;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export class RowReader {
  readonly issues: RowIssue[] = [];
  constructor(private readonly record: Record<string, Cell>) {}

  has(field: string): boolean {
    return this.record[field] !== undefined;
  }

  /** Trimmed single-spaced text; undefined when absent, null when empty. */
  text(field: string, opts: { required?: boolean; max?: number; multiline?: boolean } = {}): string | null | undefined {
    const raw = this.record[field];
    let value: string | null | undefined;
    if (raw === undefined) value = undefined;
    else if (raw === null) value = null;
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      const s = String(raw).normalize('NFC');
      value = (opts.multiline ? s.trim() : s.replace(/\s+/g, ' ').trim()) || null;
    } else {
      this.issues.push({ campo: field, mensaje: 'Debe ser texto.' });
      return undefined;
    }
    if (value === undefined || value === null) {
      if (opts.required) this.issues.push({ campo: field, mensaje: 'Es obligatorio.' });
      return value;
    }
    if (value.length > (opts.max ?? 300)) this.issues.push({ campo: field, mensaje: `No puede superar ${opts.max ?? 300} caracteres.` });
    if (CONTROL.test(value)) this.issues.push({ campo: field, mensaje: 'Contiene caracteres de control no permitidos.' });
    return value;
  }

  /** sí/si/true/1/x/activo → true; no/false/0/inactivo → false. */
  bool(field: string, extraTrue: string[] = [], extraFalse: string[] = []): boolean | undefined {
    const raw = this.record[field];
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw === 'boolean') return raw;
    const v = fold(String(raw));
    if (['si', 'true', '1', 'x', 'verdadero', 'activo', 's', ...extraTrue].includes(v)) return true;
    if (['no', 'false', '0', 'falso', 'inactivo', 'n', ...extraFalse].includes(v)) return false;
    this.issues.push({ campo: field, mensaje: `Valor '${String(raw).slice(0, 30)}' no es sí/no.` });
    return undefined;
  }

  int(field: string, min: number, max: number): number | undefined {
    const raw = this.record[field];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      this.issues.push({ campo: field, mensaje: `Debe ser un entero entre ${min} y ${max}.` });
      return undefined;
    }
    return n;
  }

  /** A list: a JSON array, or text separated by ';' or '|' (commas occur inside names). */
  list(field: string, itemPattern?: RegExp, itemMessage?: string): string[] | undefined {
    const raw = this.record[field];
    if (raw === undefined) return undefined;
    if (raw === null || raw === '') return [];
    let items: unknown[];
    if (Array.isArray(raw)) items = raw;
    else if (typeof raw === 'string') items = raw.trim().startsWith('[') ? safeJson(raw) ?? [raw] : raw.split(/[;|]/);
    else items = [raw];
    const out: string[] = [];
    for (const item of items) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        this.issues.push({ campo: field, mensaje: 'Cada elemento debe ser texto.' });
        return undefined;
      }
      const s = String(item).normalize('NFC').replace(/\s+/g, ' ').trim();
      if (!s) continue;
      if (itemPattern && !itemPattern.test(s)) {
        this.issues.push({ campo: field, mensaje: itemMessage ?? `Elemento inválido: '${s.slice(0, 30)}'.` });
        return undefined;
      }
      if (!out.includes(s)) out.push(s);
    }
    return out;
  }

  /** A JSON value given inline (JSON body) or as JSON text (CSV/XLSX cell). */
  json(field: string): unknown {
    const raw = this.record[field];
    if (raw === undefined) return undefined;
    if (raw === null || raw === '') return null;
    if (typeof raw === 'string') {
      const parsed = safeJson(raw);
      if (parsed === undefined) this.issues.push({ campo: field, mensaje: 'Debe ser JSON válido.' });
      return parsed;
    }
    return raw;
  }
}

function safeJson(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
