/**
 * npm run storage:check [-- --json] — compares the attachment store (STORAGE_DRIVER) with the
 * attachments table: files without rows, rows without files, objects of the wrong size and
 * leftover temporary files. Read-only: it never deletes; exit code 1 when something is off.
 * With the embedded database, stop the API first (PGlite allows one process).
 */
import { loadConfig } from '../src/config/env.js';
import { createDatabase } from '../src/db/client.js';
import { checkStorage } from '../src/modules/attachments/storage-check.js';
import { createFileStorage } from '../src/shared/storage/create-storage.js';

const json = process.argv.includes('--json');
const config = loadConfig();
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
const storage = createFileStorage(config);
try {
  const report = await checkStorage(database.db, storage);
  const problems = report.filesWithoutRows.length + report.rowsWithoutFiles.length + report.sizeMismatches.length;
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`Almacenamiento ${report.driver}: ${report.objectsChecked} objetos, ${report.rowsChecked} filas de adjuntos.`);
    for (const f of report.filesWithoutRows) console.log(`ARCHIVO SIN FILA   ${f.key} (${f.size} bytes, ${f.modifiedAt})`);
    for (const r of report.rowsWithoutFiles) console.log(`FILA SIN ARCHIVO   adjunto ${r.id} (${r.storageKey})`);
    for (const m of report.sizeMismatches) console.log(`TAMAÑO DISTINTO    adjunto ${m.id}: esperado ${m.expected}, encontrado ${m.actual}`);
    for (const f of report.temporaryFiles) console.log(`TEMPORAL           ${f.key} (${f.size} bytes, ${f.modifiedAt}; subida en curso o interrumpida)`);
    if (report.rowsOnOtherDrivers > 0) console.log(`${report.rowsOnOtherDrivers} filas están en otro almacenamiento y no se revisaron.`);
    console.log(problems === 0 ? 'Sin inconsistencias.' : `${problems} inconsistencias.`);
  }
  process.exitCode = problems === 0 ? 0 : 1;
} finally {
  await storage.close();
  await database.close();
}
