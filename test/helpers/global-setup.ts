import { PGlite } from '@electric-sql/pglite';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase, pgliteExtensions } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { seedCatalogs } from '../../src/modules/catalogs/catalogs.seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { kind: 'pglite'; templateFile: string } | { kind: 'postgres'; adminUrl: string; template: string };
  }
}

/**
 * Builds one migrated database per test run; each test file then gets its own copy of it
 * (a PGlite data-dir clone, or CREATE DATABASE … TEMPLATE on PostgreSQL), so files are
 * isolated and run in parallel without paying initdb + migrations every time.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `hce_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const database = await createDatabase({ url: templateUrl.toString(), poolMax: 2 });
    await runMigrations(database);
    await seedCatalogs(database.db);
    await database.close();
    project.provide('testDb', { kind: 'postgres', adminUrl: url, template });
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    };
  }
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const database = await createDatabase({ pglite });
  await runMigrations(database);
  // Catalogs are reference data every module validates against: seed them once, in the template.
  await seedCatalogs(database.db);
  const dump = await pglite.dumpDataDir('none');
  const templateFile = join(tmpdir(), `hce-test-template-${process.pid}.tar`);
  writeFileSync(templateFile, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('testDb', { kind: 'pglite', templateFile });
  return async () => rmSync(templateFile, { force: true });
}
