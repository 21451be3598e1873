import { parse as parseCsvSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ValidationError } from '../../../shared/errors.js';
import { knownHeaderCount, type Cell } from './cells.js';

/**
 * Turns an uploaded file into records keyed by its own headers, each with the row number the
 * user sees: the spreadsheet/CSV line (header = 1 when it is the first line) or the 1-based
 * position in a JSON array. Published spreadsheets often carry title lines above the header,
 * so the header is the first of the first rows that names known columns.
 */

export type ImportFormat = 'csv' | 'xlsx' | 'json';

export interface SourceRecord {
  fila: number;
  values: Record<string, Cell>;
}

const fileError = (message: string) => new ValidationError([{ path: 'file', message }], message);

export function detectFormat(filename: string | undefined, mimetype: string | undefined, data: Buffer): ImportFormat {
  // XLSX is a ZIP container: trust its signature over names and declared types.
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) return 'xlsx';
  const name = (filename ?? '').toLowerCase();
  if (name.endsWith('.xls') || mimetype === 'application/vnd.ms-excel' && !name.endsWith('.csv')) {
    throw fileError('El formato .xls (Excel 97-2003) no es compatible: guarde el archivo como .xlsx o .csv.');
  }
  if (name.endsWith('.json') || mimetype === 'application/json') return 'json';
  return 'csv';
}

/** UTF-8 when valid (BOM removed), else Windows-1252, which Excel on Windows writes. */
function decodeText(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

function pickHeaderRow(rows: Cell[][], aliases: Record<string, string[]>): number {
  const limit = Math.min(rows.length, 20);
  for (let i = 0; i < limit; i++) {
    const headers = (rows[i] ?? []).map((c) => (c === null || c === undefined ? '' : String(c)));
    if (knownHeaderCount(headers, aliases) >= 2) return i;
  }
  return rows.findIndex((r) => r.some((c) => c !== null && c !== undefined && String(c).trim() !== ''));
}

function toRecords(rows: Cell[][], lineOf: (index: number) => number, aliases: Record<string, string[]>): SourceRecord[] {
  const headerIndex = pickHeaderRow(rows, aliases);
  if (headerIndex < 0) throw fileError('El archivo está vacío.');
  const headers = (rows[headerIndex] ?? []).map((c) => (c === null || c === undefined ? '' : String(c).trim()));
  if (knownHeaderCount(headers, aliases) === 0) {
    throw fileError('No se reconoce ninguna columna del catálogo en la fila de encabezados.');
  }
  const records: SourceRecord[] = [];
  for (let i = headerIndex + 1; i < rows.length; i++) {
    const row = rows[i] ?? [];
    if (!row.some((c) => c !== null && c !== undefined && String(c).trim() !== '')) continue;
    const values: Record<string, Cell> = {};
    headers.forEach((h, col) => {
      if (!h) return;
      const c = row[col];
      values[h] = c === undefined || (typeof c === 'string' && c.trim() === '') ? null : c;
    });
    records.push({ fila: lineOf(i), values });
  }
  return records;
}

export function parseCsv(data: Buffer, aliases: Record<string, string[]>): SourceRecord[] {
  const text = decodeText(data);
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  const delimiter = [';', ',', '\t', '|'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsvSync(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }) as unknown as typeof parsed;
  } catch (error) {
    throw fileError(`CSV mal formado: ${(error as Error).message.slice(0, 200)}`);
  }
  const rows = parsed.map((p) => p.record as Cell[]);
  return toRecords(rows, (i) => parsed[i]!.info.lines, aliases);
}

function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('result' in value) {
    const r = value.result;
    return r === undefined || r === null || typeof r === 'object' ? null : (r as string | number | boolean);
  }
  return null;
}

export async function parseXlsx(data: Buffer, aliases: Record<string, string[]>): Promise<SourceRecord[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw fileError('No se pudo leer el archivo XLSX (¿está dañado o protegido con contraseña?).');
  }
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw fileError('El libro no tiene hojas con datos.');
  const rows: Cell[][] = [];
  const lines: number[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    rows.push(cells);
    lines.push(rowNumber);
  });
  return toRecords(rows, (i) => lines[i]!, aliases);
}

export function parseJsonRows(body: unknown): SourceRecord[] {
  if (!Array.isArray(body)) throw new ValidationError([{ path: '(raíz)', message: 'Envíe un arreglo JSON de filas o un archivo en el campo file.' }]);
  return body.map((item, index) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      return { fila: index + 1, values: { __invalida: true } };
    }
    return { fila: index + 1, values: item as Record<string, Cell> };
  });
}

export async function parseUpload(format: ImportFormat, data: Buffer, aliases: Record<string, string[]>): Promise<SourceRecord[]> {
  if (format === 'xlsx') return parseXlsx(data, aliases);
  if (format === 'csv') return parseCsv(data, aliases);
  let body: unknown;
  try {
    body = JSON.parse(decodeText(data));
  } catch {
    throw fileError('El archivo JSON no es válido.');
  }
  return parseJsonRows(body);
}
