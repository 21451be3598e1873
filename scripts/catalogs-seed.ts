/**
 * npm run catalogs:seed — loads the catalogs shipped in seeds/ (CIE-10, medicines, procedures,
 * allergen groups, notifiable diseases, text templates). Idempotent: run it again after
 * updating seeds/ and only what changed is written.
 */
import { loadConfig } from '../src/config/env.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedCatalogs } from '../src/modules/catalogs/catalogs.seed.js';
import { progressBar } from './catalogs-progress.js';

const config = loadConfig();
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
try {
  await runMigrations(database);
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  const summary = await seedCatalogs(database.db, {
    onProgress: (catalog, phase, done, total) => {
      if (!bars.has(catalog)) bars.set(catalog, progressBar(catalog));
      bars.get(catalog)!.update(phase, done, total);
    },
  });
  for (const [catalog, c] of Object.entries(summary.catalogs)) {
    console.log(`${catalog.padEnd(12)} ${c.filas} filas: ${c.insertados} insertadas, ${c.actualizados} actualizadas, ${c.sinCambios} sin cambios`);
  }
  console.log(`notificables  ${summary.notifiableDiseases} nuevas (las existentes no se modifican)`);
  console.log(`plantillas    ${summary.templatesAdded} nuevas (las existentes no se modifican)`);
} finally {
  await database.close();
}
