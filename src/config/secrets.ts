import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './env.js';

interface StoredSecrets {
  JWT_SECRET: string;
  HCE_DATA_KEY: string;
}

/**
 * Only for the embedded database in development: secrets missing from the environment are
 * generated once, stored under HCE_DATA_DIR (mode 0600) and reused on the next start, so a
 * newcomer's `npm start` works and restarts keep tokens and encrypted data readable.
 * loadConfig() already refused this case for production or a shared server database.
 */
export function withDevSecrets(config: AppConfig): { config: AppConfig; generatedFile?: string } {
  if (config.JWT_SECRET && config.HCE_DATA_KEY) return { config };
  const file = join(config.HCE_DATA_DIR, 'secrets.json');
  let stored: StoredSecrets;
  let generatedFile: string | undefined;
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  } else {
    stored = {
      JWT_SECRET: randomBytes(48).toString('base64'),
      HCE_DATA_KEY: randomBytes(32).toString('base64'),
    };
    mkdirSync(config.HCE_DATA_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    generatedFile = file;
  }
  return {
    config: Object.freeze({
      ...config,
      JWT_SECRET: config.JWT_SECRET ?? stored.JWT_SECRET,
      HCE_DATA_KEY: config.HCE_DATA_KEY ?? stored.HCE_DATA_KEY,
    }),
    generatedFile,
  };
}
