/**
 * npm run catalogs:import -- <diagnoses|medications|procedures|allergens> <archivo.csv|.xlsx|.json>
 * Same import as POST /api/v1/catalogs/{catalog}/import: every row validated, then all or
 * nothing in one transaction, audited as a CLI action. Exit code 1 when rows fail.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { withDevSecrets } from '../src/config/secrets.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createServices } from '../src/container.js';
import { IMPORTABLE_CATALOGS, type ImportableCatalog, type ImportRowError } from '../src/modules/catalogs/catalogs.schemas.js';
import { AppError } from '../src/shared/errors.js';
import { createLogger } from '../src/shared/logger.js';
import { progressBar } from './catalogs-progress.js';

const [catalog, file] = process.argv.slice(2);
if (!catalog || !file || !IMPORTABLE_CATALOGS.includes(catalog as ImportableCatalog)) {
  console.error(`Uso: npm run catalogs:import -- <${IMPORTABLE_CATALOGS.join('|')}> <archivo.csv|archivo.xlsx|archivo.json>`);
  process.exit(2);
}
let data: Buffer;
try {
  data = readFileSync(file);
} catch (error) {
  console.error(`No se pudo leer ${file}: ${(error as Error).message}`);
  process.exit(2);
}

const config = withDevSecrets(loadConfig()).config;
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
await runMigrations(database);
const services = createServices({ config, database, logger: createLogger('warn') });
const bar = progressBar(`${catalog} ← ${basename(file)}`);
try {
  const result = await services.catalogs.importer.importUpload(catalog as ImportableCatalog, { data, filename: basename(file) }, {
    actor: { actorKind: 'cli' }, archivo: basename(file), onProgress: (phase, done, total) => bar.update(phase, done, total),
  });
  bar.end();
  console.log(`${result.filas} filas (${result.formato}): ${result.insertados} insertadas, ${result.actualizados} actualizadas, ${result.sinCambios} sin cambios.`);
} catch (error) {
  bar.end();
  if (!(error instanceof AppError)) throw error;
  console.error(error.detail ?? error.title);
  const rows = (error.extra?.errores as ImportRowError[] | undefined) ?? [];
  for (const e of rows.slice(0, 50)) console.error(`  fila ${e.fila}, ${e.campo}: ${e.mensaje}`);
  if (rows.length > 50) console.error(`  … y ${Number(error.extra?.totalErrores ?? rows.length) - 50} más.`);
  for (const e of rows.length ? [] : error.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
  process.exitCode = 1;
} finally {
  services.mailer.close();
  await services.rateLimiter.store.close();
  await database.close();
}
