/**
 * npm run keys:rotate — after setting a new HCE_DATA_KEY and moving the previous one to
 * HCE_DATA_KEYS_OLD, re-encrypts identifiers and rebuilds blind indexes with the new key.
 * When it reports zero pending values, the old key can be removed from HCE_DATA_KEYS_OLD.
 */
import { loadConfig } from '../src/config/env.js';
import { withDevSecrets } from '../src/config/secrets.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { Keyring } from '../src/shared/crypto/keyring.js';
import { rotateEncryptedColumns } from '../src/shared/crypto/rotate.js';

const config = withDevSecrets(loadConfig()).config;
const keyring = new Keyring(config.HCE_DATA_KEY!, config.HCE_DATA_KEYS_OLD);
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
try {
  await runMigrations(database);
  const counts = await rotateEncryptedColumns(database.db, keyring, (column, done) => process.stderr.write(`\r${column}: ${done} re-encrypted`));
  process.stderr.write('\n');
  console.log(`Active key ${keyring.activeKeyId}. Re-encrypted:`, counts);
} finally {
  await database.close();
}
