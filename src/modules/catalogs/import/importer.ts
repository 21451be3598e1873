import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/client.js';
import { ConflictError, UnprocessableError } from '../../../shared/errors.js';
import { uniqueViolation } from '../../../shared/db-errors.js';
import type { AuditActor, AuditService } from '../../audit/audit.service.js';
import type { ImportableCatalog, ImportResult, ImportRowError } from '../catalogs.schemas.js';
import { mapColumns, RowReader } from './cells.js';
import { detectFormat, parseJsonRows, parseUpload, type ImportFormat, type SourceRecord } from './parse.js';
import { sameValue } from './spec.js';
import { CATALOG_SPECS } from './specs.js';

export type ImportPhase = 'leyendo' | 'validando' | 'guardando';

export interface ImportOptions {
  /** Who imports; when absent (shipped seed data) nothing is audited. */
  actor?: AuditActor;
  formato: ImportFormat;
  archivo?: string | undefined;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

export interface UploadedFile {
  data: Buffer;
  filename?: string | undefined;
  mimetype?: string | undefined;
}

const BATCH = 1000;
const ANALYZE_THRESHOLD = 1000;
/** The answer lists at most this many row errors; the total is always given. */
const MAX_REPORTED_ERRORS = 500;

function rejection(catalog: ImportableCatalog, formato: ImportFormat, filas: number, errores: ImportRowError[]): UnprocessableError {
  const shown = errores.slice(0, MAX_REPORTED_ERRORS);
  return new UnprocessableError(
    'IMPORT_ROWS_INVALID',
    `${errores.length} error(es) en las filas del archivo; no se importó ninguna fila. Corrija el archivo y vuelva a enviarlo completo.`,
    shown.map((e) => ({ path: `filas[${e.fila}].${e.campo}`, message: e.mensaje })),
    { catalogo: catalog, formato, filas, insertados: 0, actualizados: 0, sinCambios: 0, errores: shown, totalErrores: errores.length },
  );
}

/** Rows that reference what is neither in the file nor in the catalog; rolls the transaction back. */
class CrossCheckFailed extends Error {
  constructor(readonly errores: ImportRowError[]) {
    super('cross-check failed');
  }
}

/**
 * One import path for the API, the CLI and the shipped seeds: every row is validated first,
 * then the whole file is written in one transaction (all or nothing), upserting by the
 * catalog's key and counting inserted, updated and unchanged rows.
 */
export class CatalogImporter {
  constructor(
    private readonly db: Db,
    /** Absent for shipped seed data, which no user imports. */
    private readonly audit: AuditService | undefined,
    private readonly onChange: (catalog: ImportableCatalog) => void,
  ) {}

  async importUpload(catalog: ImportableCatalog, file: UploadedFile, options: Omit<ImportOptions, 'formato'>): Promise<ImportResult> {
    const formato = detectFormat(file.filename, file.mimetype, file.data);
    options.onProgress?.('leyendo', 0, 1);
    const records = await parseUpload(formato, file.data, CATALOG_SPECS[catalog].aliases);
    return this.importRecords(catalog, records, { ...options, formato });
  }

  async importJson(catalog: ImportableCatalog, body: unknown, options: Omit<ImportOptions, 'formato'>): Promise<ImportResult> {
    return this.importRecords(catalog, parseJsonRows(body), { ...options, formato: 'json' });
  }

  async importRecords(catalog: ImportableCatalog, records: SourceRecord[], options: ImportOptions): Promise<ImportResult> {
    const spec = CATALOG_SPECS[catalog];
    const errores: ImportRowError[] = [];
    const parsed: { fila: number; value: unknown; key: string }[] = [];
    const firstRowOfKey = new Map<string, number>();
    records.forEach((record, index) => {
      if (index % 500 === 0) options.onProgress?.('validando', index, records.length);
      if ('__invalida' in record.values) {
        errores.push({ fila: record.fila, campo: '(fila)', mensaje: 'Cada fila debe ser un objeto JSON.' });
        return;
      }
      const mapped = mapColumns(record.values, spec.aliases);
      const reader = new RowReader(mapped.values);
      const value = spec.read(reader);
      if (reader.issues.length) {
        for (const issue of reader.issues) errores.push({ fila: record.fila, campo: mapped.headers[issue.campo] ?? issue.campo, mensaje: issue.mensaje });
        return;
      }
      const key = spec.key(value);
      const first = firstRowOfKey.get(key);
      if (first !== undefined) {
        errores.push({ fila: record.fila, campo: spec.keyField(value), mensaje: `Repite la fila ${first} (mismo código o mismo medicamento/procedimiento).` });
        return;
      }
      firstRowOfKey.set(key, record.fila);
      parsed.push({ fila: record.fila, value, key });
    });
    options.onProgress?.('validando', records.length, records.length);
    if (records.length === 0) errores.push({ fila: 0, campo: '(archivo)', mensaje: 'El archivo no tiene filas de datos.' });
    if (errores.length) throw await this.reject(catalog, options, records.length, errores);

    try {
      const result = await this.db.transaction(async (tx) => {
        // Imports of one catalog (API, CLI, seeding at start) never interleave.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'hce-catalog-import:' + catalog}::text))`);
        const existing = await spec.load(tx, parsed.map((p) => p.value));
        const crossErrors = spec.crossCheck?.(parsed.map((p) => ({ fila: p.fila, value: p.value })), existing) ?? [];
        if (crossErrors.length) throw new CrossCheckFailed(crossErrors);
        const byKey = new Map(existing.map((row) => [spec.rowKey(row), row]));
        const writes: (object & { id: string })[] = [];
        let insertados = 0;
        let actualizados = 0;
        let sinCambios = 0;
        for (const p of parsed) {
          const stored = byKey.get(p.key);
          const values = spec.merge(p.value, stored, existing);
          if (!stored) {
            insertados++;
            writes.push({ ...values, id: randomUUID() });
          } else if (spec.compare.some((c) => !sameValue((values as Record<string, unknown>)[c as string], (stored as Record<string, unknown>)[c as string]))) {
            actualizados++;
            writes.push({ ...values, id: stored.id });
          } else sinCambios++;
        }
        for (let i = 0; i < writes.length; i += BATCH) {
          options.onProgress?.('guardando', i, writes.length);
          await spec.write(tx, writes.slice(i, i + BATCH));
        }
        options.onProgress?.('guardando', writes.length, writes.length);
        const counts = { catalogo: catalog, formato: options.formato, filas: records.length, insertados, actualizados, sinCambios };
        if (options.actor && this.audit) {
          await this.audit.record(tx, options.actor, {
            action: 'CATALOG_IMPORTED', entity: 'catalog', entityId: catalog,
            details: { ...counts, archivo: options.archivo?.slice(0, 200) ?? null },
          });
        }
        return counts;
      });
      if (result.insertados + result.actualizados > 0) this.onChange(catalog);
      // After a bulk load the planner needs fresh statistics to pick the trigram indexes
      // (a 14k-row CIE-10 search drops from ~300 ms to ~15 ms); autovacuum would get there later.
      if (result.insertados + result.actualizados >= ANALYZE_THRESHOLD) {
        await this.db.execute(sql.raw(`ANALYZE ${spec.tableName}`)).catch(() => undefined);
      }
      return { ...result, errores: [] };
    } catch (error) {
      if (error instanceof CrossCheckFailed) throw await this.reject(catalog, options, records.length, error.errores);
      if (uniqueViolation(error) !== undefined) {
        throw new ConflictError('CATALOG_IMPORT_CONFLICT', 'Dos filas del archivo corresponden al mismo registro del catálogo (difieren solo en espacios o signos); unifíquelas y vuelva a importar.');
      }
      throw error;
    }
  }

  private async reject(catalog: ImportableCatalog, options: ImportOptions, filas: number, errores: ImportRowError[]) {
    if (options.actor && this.audit) {
      await this.audit.recordStandalone(options.actor, {
        action: 'CATALOG_IMPORT_REJECTED', outcome: 'FAILURE', entity: 'catalog', entityId: catalog,
        details: { formato: options.formato, archivo: options.archivo?.slice(0, 200) ?? null, filas, errores: errores.length },
      });
    }
    return rejection(catalog, options.formato, filas, errores);
  }
}
