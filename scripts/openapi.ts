/**
 * Writes openapi.json and a Postman collection converted from it (the requirements ask for
 * "postman collection/swagger"). Builds the app on an in-memory database; nothing listens.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import converter from 'openapi-to-postmanv2';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/env.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createLogger } from '../src/shared/logger.js';
import { projectRoot } from '../src/shared/paths.js';

const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'openapi-generation-only-secret-0123456789abcdef',
  HCE_DATA_KEY: 'b3BlbmFwaS1nZW5lcmF0aW9uLW9ubHkta2V5LTEyMzQ=',
  HCE_DATA_DIR: join(projectRoot, 'data', 'openapi-tmp'),
});
const database = await createDatabase({});
await runMigrations(database);
const app = await buildApp({ config, database, logger: createLogger('silent') });
await app.ready();
const spec = app.swagger();
const specFile = join(projectRoot, 'openapi.json');
writeFileSync(specFile, JSON.stringify(spec, null, 2));
await app.close();
await database.close();

type ConvertResult = { result: boolean; reason?: string; output: { data: unknown }[] };
const convert = promisify(
  (input: { type: 'json'; data: object }, options: object, cb: (err: Error | null, res: ConvertResult) => void) =>
    converter.convert(input as never, options, cb as never),
);
const result = await convert({ type: 'json', data: spec }, { folderStrategy: 'Tags', requestParametersResolution: 'Example' });
if (!result.result) throw new Error(`Postman conversion failed: ${result.reason}`);
const postmanFile = join(projectRoot, 'postman_collection.json');
writeFileSync(postmanFile, JSON.stringify(result.output[0]!.data, null, 2));
console.log(`Wrote ${specFile} and ${postmanFile}`);
