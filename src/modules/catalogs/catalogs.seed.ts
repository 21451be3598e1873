import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/client.js';
import { seedsFolder } from '../../shared/paths.js';
import { fold } from '../../shared/text.js';
import type { ImportableCatalog, ImportResult } from './catalogs.schemas.js';
import { notifiableDiseases, textTemplates, type TemplateType } from './catalogs.table.js';
import { CatalogImporter, type ImportPhase } from './import/importer.js';
import type { Cell } from './import/cells.js';
import { inspectPlaceholders } from './templates.schemas.js';

/**
 * Loads the catalog data shipped in seeds/ (sources and licences in seeds/README.md). Idempotent:
 * rows are upserted by their key through the same importer the API uses, in batches, so a
 * second run reports everything as unchanged. Templates and notifiable diseases are only
 * added, never overwritten: an ADMIN may have edited or retired them.
 */

const IMPORTED_SEEDS: [ImportableCatalog, string][] = [
  ['diagnoses', 'cie10.json'],
  ['medications', 'medications.json'],
  ['procedures', 'procedures.json'],
  ['allergens', 'allergen-groups.json'],
];

export interface SeedSummary {
  catalogs: Partial<Record<ImportableCatalog, Pick<ImportResult, 'filas' | 'insertados' | 'actualizados' | 'sinCambios'>>>;
  notifiableDiseases: number;
  templatesAdded: number;
}

export interface SeedOptions {
  /** The app's importer (its cache invalidation); a standalone one otherwise. */
  importer?: CatalogImporter;
  onProgress?: (catalog: string, phase: ImportPhase, done: number, total: number) => void;
}

function readSeed<T>(file: string): T {
  return JSON.parse(readFileSync(join(seedsFolder, file), 'utf8')) as T;
}

interface NotifiableSeed {
  codigo: string;
  nombre: string;
  cieCodigos: string[];
  periodicidad: 'INMEDIATA' | 'SEMANAL';
  fuente?: string | null;
  verificado?: boolean;
}

interface TemplateSeed {
  tipo: TemplateType;
  nombre: string;
  contenido: string;
}

export async function seedCatalogs(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const importer = options.importer ?? new CatalogImporter(db, undefined, () => undefined);
  const summary: SeedSummary = { catalogs: {}, notifiableDiseases: 0, templatesAdded: 0 };

  for (const [catalog, file] of IMPORTED_SEEDS) {
    const rows = readSeed<Record<string, Cell>[]>(file);
    const result = await importer.importRecords(catalog, rows.map((values, i) => ({ fila: i + 1, values })), {
      formato: 'json', archivo: `seeds/${file}`,
      ...(options.onProgress ? { onProgress: (phase: ImportPhase, done: number, total: number) => options.onProgress!(catalog, phase, done, total) } : {}),
    });
    summary.catalogs[catalog] = { filas: result.filas, insertados: result.insertados, actualizados: result.actualizados, sinCambios: result.sinCambios };
  }

  const diseases = readSeed<NotifiableSeed[]>('notifiable-diseases.json');
  const templates = readSeed<TemplateSeed[]>('templates.json');
  for (const t of templates) {
    const { problems } = inspectPlaceholders(t.contenido);
    if (problems.length) throw new Error(`seeds/templates.json: "${t.nombre}": ${problems.join(' ')}`);
  }

  await db.transaction(async (tx) => {
    // Several instances starting together on an empty database must not add templates twice.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('hce-catalog-seed'))`);
    // Only missing diseases are added: ADMIN maintains the list afterwards (reports module),
    // and a re-seed must not undo those decisions.
    const changed = await tx.insert(notifiableDiseases).values(diseases.map((d) => ({
      codigo: d.codigo, nombre: d.nombre, cieCodigos: d.cieCodigos, periodicidad: d.periodicidad, fuente: d.fuente ?? null, verificado: d.verificado ?? false,
    }))).onConflictDoNothing({ target: notifiableDiseases.codigo }).returning({ id: notifiableDiseases.id });
    summary.notifiableDiseases = changed.length;

    const existing = await tx.select({ tipo: textTemplates.tipo, nombre: textTemplates.nombre }).from(textTemplates);
    const known = new Set(existing.map((e) => `${e.tipo}|${fold(e.nombre)}`));
    const missing = templates.filter((t) => !known.has(`${t.tipo}|${fold(t.nombre)}`));
    if (missing.length) await tx.insert(textTemplates).values(missing.map((t) => ({ tipo: t.tipo, nombre: t.nombre, contenido: t.contenido })));
    summary.templatesAdded = missing.length;
  });
  return summary;
}

/** First start: the catalogs are loaded when the diagnoses table is still empty. */
export async function seedCatalogsIfEmpty(db: Db, options: SeedOptions = {}): Promise<SeedSummary | undefined> {
  const [row] = (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM diagnoses`)).rows;
  if (Number(row?.n ?? 0) > 0) return undefined;
  return seedCatalogs(db, options);
}
