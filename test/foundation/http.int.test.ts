import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { buildTestApp, LogCapture, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('HTTP foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(async () => t.close());

  it('answers liveness and readiness', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('renders unknown routes as a Spanish 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-existe?dni=12345678' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    const body = res.json();
    expect(body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', title: 'Recurso no encontrado' });
    expect(body.detail).toContain('/api/v1/no-existe');
    expect(body.detail).not.toContain('12345678');
  });

  it('gives a browser of another origin nothing when no CORS origin is configured', async () => {
    const preflight = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/patients', headers: { origin: 'https://hce.clinica.pe', 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.app.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://hce.clinica.pe' } });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('echoes a valid X-Request-Id and creates one otherwise', async () => {
    const given = await t.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const created = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await t.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'a b\u0000<script>' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/health/live' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('hce_http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/route="\/health\/live",status_code="200"/);
    expect(res.body).toContain('hce_db_pool_connections');
  });

  it('sets the security headers on answers, refusals and unknown routes alike', async () => {
    const answers = [
      await t.app.inject({ method: 'GET', url: '/health/live' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/patients' }),
      await t.app.inject({ method: 'GET', url: '/no-such-route' }),
    ];
    expect(answers.map((res) => res.statusCode)).toEqual([200, 401, 404]);
    for (const res of answers) {
      expect(res.headers).toMatchObject({
        'content-security-policy': "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';"
          + "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self' 'unsafe-inline';"
          + "script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('problem+json for bad requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    const testDatabase = await createTestDatabase();
    const config = testConfig({ BODY_LIMIT_BYTES: '2048' });
    const logs = new LogCapture();
    const app = await buildApp({ config, database: testDatabase.database, logger: createLogger('info', logs) });
    app.post('/echo', {
      config: { public: true },
      schema: {
        body: z.strictObject({
          nombres: z.string().min(1),
          edad: z.number().int().min(0),
          contacto: z.strictObject({ telefono: z.string().regex(/^9\d{8}$/) }).optional(),
        }),
      },
    }, async (request) => request.body);
    app.get('/boom', { config: { public: true } }, async () => {
      throw new Error('secret internals at /srv/app.ts:42');
    });
    await app.ready();
    t = { app, database: testDatabase.database, testDatabase, config, logs, dataDir: config.HCE_DATA_DIR,
      close: async () => { await app.close(); await testDatabase.dispose(); } };
  });
  afterAll(async () => t.close());

  it('lists every failing field in a 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/echo', payload: { edad: -1, contacto: { telefono: '123' }, extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_ERROR');
    const paths = body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['contacto.telefono', 'edad', 'extra', 'nombres']);
    for (const e of body.errors) expect(e.message).toMatch(/[a-záéíóú]/i);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"nombres": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_JSON');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/echo', payload: { nombres: 'x'.repeat(5000), edad: 1 } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 415 for an unsupported content type', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses prototype poisoning with a 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"nombres":"a","edad":1,"__proto__":{"x":1}}' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
  });

  it('masks internal errors as a 500 without stack or message', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('app.ts');
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });
});

describe('log redaction', () => {
  it('never writes passwords, tokens or document numbers', async () => {
    const t = await buildTestApp();
    try {
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/patients?numeroDocumento=44556677&search=Jos%C3%A9',
        headers: { authorization: 'Bearer eyJhbGciOi.secret-token', 'x-api-key': 'key-123456' },
      });
      t.app.log.info({ body: { email: 'a@b.pe', password: 'Sup3rS3creta!', paciente: { numeroDocumento: '44556677' } } }, 'debug body');
      t.app.log.error({ err: Object.assign(new Error('duplicate key value (numero_documento)=(44556677) exists'), { detail: 'Key (numero_documento)=(44556677)' }) }, 'db error');
      const text = t.logs.text;
      expect(text).toContain('request completed');
      expect(text).toContain('/api/v1/patients');
      for (const secret of ['44556677', 'Sup3rS3creta!', 'secret-token', 'key-123456', 'Jos']) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('[REDACTED]');
      for (const entry of t.logs.entries) expect(typeof entry.time).toBe('string');
    } finally {
      await t.close();
    }
  });
});

describe('readiness', () => {
  it('turns 503 when the database is closed', async () => {
    const t = await buildTestApp();
    try {
      await t.database.close();
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.json().code).toBe('DB_UNAVAILABLE');
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('HTTPS', () => {
  it('serves over TLS with a configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hce-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const t = await buildTestApp({ env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const { status, body, authorized } = await new Promise<{ status: number; body: string; authorized: boolean }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/health/live', ca: readFileSync(cert), servername: 'localhost', agent: false }, (res) => {
          const authorized = (res.socket as TLSSocket).authorized;
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, authorized }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(authorized).toBe(true);
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
    } finally {
      await t.close();
    }
  });
});
