import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleName } from '../../src/modules/auth/auth.types.js';
import { roleHasPermission } from '../../src/modules/auth/permissions.js';
import { createUser, type TestUser } from '../factories/users.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * Hostile input derived from the live /openapi.json: every documented operation receives
 * malformed, oversized and malicious requests. The server must answer each with a 4xx
 * problem+json (or a normal answer when the payload happens to be harmless), never a 5xx,
 * and must stay alive afterwards.
 */

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; format?: string; required?: string[] };
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema?: JsonSchema }[];
  jsonBody?: JsonSchema;
}
type Variant = { name: string; mustFail: boolean; payload?: string | Buffer; contentType?: string; query?: string; path?: string; method?: string };

const SQL = "' OR 1=1; DROP TABLE patients; --";
const SCRIPT = '<script>alert(document.cookie)</script>';
const TRAVERSAL = '..%2F..%2F..%2Fetc%2Fpasswd';

let t: TestApp;
const users = {} as Record<RoleName, TestUser>;
let operations: Operation[] = [];

beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMIT_LOGIN_PER_IP: '100000', RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000' } });
  for (const role of ['ADMIN', 'MEDICO', 'ASISTENTE'] as const) users[role] = await createUser(t, role);
  const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const jsonBody = op.requestBody?.content?.['application/json']?.schema;
      operations.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], ...(jsonBody ? { jsonBody } : {}) });
    }
  }
  // Logging out would revoke the session the rest of the run depends on; it is covered in test/auth.
  operations = operations.filter((o) => !o.path.endsWith('/auth/logout'));
}, 180_000);

afterAll(async () => {
  await t?.close();
});

/** The least-privileged staff role allowed through the route, so input reaches validation. */
function headersFor(op: Operation): Record<string, string> {
  const entry = t.app.ctx.routes.find((r) => r.method === op.method && r.url === op.path.replace(/\{(\w+)\}/g, ':$1'));
  if (!entry || entry.public) return {};
  if (entry.apiKey) return { 'x-api-key': `hce_${'x'.repeat(43)}` };
  const role = (['ASISTENTE', 'MEDICO', 'ADMIN'] as const).find((r) => entry.permission && roleHasPermission(r, entry.permission)) ?? 'ADMIN';
  return users[role].headers;
}

function fillPath(op: Operation, value: (name: string) => string): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
}

function wrongTyped(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    out[key] = type === 'string' ? { $gt: '' } : type === 'number' || type === 'integer' ? 'NaN' : type === 'boolean' ? 'yes' : type === 'array' ? { length: 1 } : 12345;
  }
  return out;
}

function withStrings(schema: JsonSchema, value: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) out[key] = prop.type === 'string' || prop.type === undefined ? value : value;
  return out;
}

function deepNesting(levels: number): string {
  return `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

function variantsFor(op: Operation): Variant[] {
  const uuidPath = fillPath(op, () => randomUUID());
  const variants: Variant[] = [
    { name: 'sql in path', mustFail: false, path: fillPath(op, () => encodeURIComponent(SQL)) },
    { name: 'traversal in path', mustFail: false, path: fillPath(op, () => TRAVERSAL) },
    { name: 'hostile query', mustFail: false, path: uuidPath, query: `q=${encodeURIComponent(SQL)}&limit=-1&page=abc&__proto__[x]=1&constructor[prototype][y]=1&desde=${encodeURIComponent(SCRIPT)}` },
    { name: 'huge query', mustFail: false, path: uuidPath, query: `q=${'a'.repeat(8000)}` },
    { name: 'wrong method', mustFail: true, path: uuidPath, method: op.method === 'PUT' ? 'PROPFIND' : 'PUT' },
  ];
  if (op.method === 'GET' || op.method === 'DELETE') return variants;
  const schema = op.jsonBody ?? {};
  const hasProps = Object.keys(schema.properties ?? {}).length > 0;
  const json = (name: string, body: unknown, mustFail: boolean): Variant => ({ name, mustFail, path: uuidPath, payload: JSON.stringify(body), contentType: 'application/json' });
  variants.push(
    json('wrong types', wrongTyped(schema), hasProps),
    json('missing fields', {}, false),
    json('extra fields', { ...withStrings(schema, 'x'), campoInexistente: 1, isAdmin: true, role: 'ADMIN' }, false),
    json('1 MB string', withStrings(schema, 'A'.repeat(1_000_000)), hasProps),
    json('sql payload', withStrings(schema, SQL), false),
    json('script payload', withStrings(schema, SCRIPT), false),
    json('array instead of object', [withStrings(schema, 'x')], hasProps),
    { name: 'prototype keys', mustFail: false, path: uuidPath, contentType: 'application/json', payload: '{"__proto__":{"isAdmin":true,"role":"ADMIN"},"constructor":{"prototype":{"polluted":true}}}' },
    { name: 'deep nesting', mustFail: hasProps, path: uuidPath, contentType: 'application/json', payload: deepNesting(5000) },
    { name: 'invalid utf-8', mustFail: hasProps, path: uuidPath, contentType: 'application/json', payload: Buffer.concat([Buffer.from('{"nombres":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]) },
    { name: 'truncated json', mustFail: true, path: uuidPath, contentType: 'application/json', payload: '{"a": [1, 2' },
    { name: 'over body limit', mustFail: true, path: uuidPath, contentType: 'application/json', payload: `{"a":"${'B'.repeat(1_100_000)}"}` },
  );
  if (op.jsonBody) {
    variants.push({ name: 'text/plain', mustFail: true, path: uuidPath, contentType: 'text/plain', payload: 'hola' });
    variants.push({ name: 'xml', mustFail: true, path: uuidPath, contentType: 'application/xml', payload: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' });
  }
  return variants;
}

describe('hostile input derived from /openapi.json', () => {
  it('covers the documented API', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it('answers every hostile request with 4xx problem+json (or a harmless answer), never 5xx, and stays alive', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const headers = headersFor(op);
      for (const v of variantsFor(op)) {
        const url = `${v.path ?? op.path}${v.query ? `?${v.query}` : ''}`;
        const res = await t.app.inject({
          method: (v.method ?? op.method) as 'GET',
          url,
          headers: { ...headers, ...(v.contentType ? { 'content-type': v.contentType } : {}) },
          ...(v.payload !== undefined ? { payload: v.payload } : {}),
        });
        sent += 1;
        const label = `${op.method} ${op.path} [${v.name}] → ${res.statusCode}`;
        if (res.statusCode >= 500) failures.push(`${label}: ${res.body.slice(0, 200)}`);
        else if (v.mustFail && res.statusCode < 400) failures.push(`${label}: expected a 4xx`);
        // FHIR routes answer errors as an OperationOutcome, as the FHIR spec requires.
        else if (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith(op.path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/problem+json')) {
          failures.push(`${label}: content-type ${String(res.headers['content-type'])}`);
        }
        const live = await t.app.inject({ method: 'GET', url: '/health/live' });
        if (live.statusCode !== 200) throw new Error(`server not alive after ${label}`);
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect(failures).toEqual([]);
    // Nothing the payloads tried to smuggle reached the process-wide prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 600_000);

  it('refusals carry the security headers and request id, and every log line names request, user and route', async () => {
    for (const headers of [{}, users.ASISTENTE.headers, users.ADMIN.headers]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?q=${encodeURIComponent(SCRIPT)}`, headers });
      expect(String(res.headers['content-type'])).not.toContain('text/html');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    const requestLines = t.logs.entries.filter((e) => e.requestId !== undefined);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(line.route).toBeDefined();
    const done = requestLines.filter((e) => e.msg === 'request completed' && e.statusCode === 200 && e.route === '/api/v1/audit');
    expect(done.length).toBeGreaterThan(0);
    for (const line of done) expect(line.userId).toBeTruthy();
  });
});
