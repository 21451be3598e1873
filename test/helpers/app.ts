import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type AppInstance } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config/env.js';
import type { Database } from '../../src/db/client.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  HCE_DATA_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
};

/** Captures every log line the app writes, parsed, so tests can assert on them. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  get entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface TestApp {
  app: AppInstance;
  database: Database;
  testDatabase: TestDatabase;
  config: AppConfig;
  logs: LogCapture;
  dataDir: string;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string | undefined> = {}, dataDir?: string): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    BCRYPT_COST: '4',
    HCE_DATA_DIR: dataDir ?? mkdtempSync(join(tmpdir(), 'hce-test-')),
    ...TEST_SECRETS,
    ...overrides,
  });
}

/** Builds the app over a fresh database of its own (see createTestDatabase). */
export async function buildTestApp(
  options: { env?: Record<string, string | undefined>; testDatabase?: TestDatabase } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hce-test-'));
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const config = testConfig(options.env, dataDir);
  const logs = new LogCapture();
  const logger = createLogger(config.LOG_LEVEL, logs);
  const app = await buildApp({ config, database: testDatabase.database, logger });
  await app.ready();
  return {
    app,
    database: testDatabase.database,
    testDatabase,
    config,
    logs,
    dataDir,
    async close() {
      await app.close();
      if (!options.testDatabase) await testDatabase.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
