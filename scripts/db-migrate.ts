import { loadConfig } from '../src/config/env.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';

const config = loadConfig();
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
try {
  await runMigrations(database);
  console.log(`Migrations applied (${database.kind}).`);
} finally {
  await database.close();
}
