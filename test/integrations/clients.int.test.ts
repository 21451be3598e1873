import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';

/** API keys of integration clients: shown once, stored hashed, revoked at once, rotated with overlap, rate limited. */
describe('integration clients and their API keys', () => {
  let t: TestApp;
  let admin: TestUser;
  let medico: TestUser;

  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_WEBHOOK_PER_MIN: '3' } });
    admin = await createUser(t, 'ADMIN');
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => t.close());

  const create = (nombre = `Cobranza ${randomUUID().slice(0, 8)}`) =>
    t.app.inject({ method: 'POST', url: '/api/v1/integration-clients', headers: admin.headers, payload: { nombre, descripcion: 'Sistema de ventas' } });
  const rotate = (id: string, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1/integration-clients/${id}/rotate`, headers: admin.headers, ...(payload ? { payload } : {}) });
  /** 400 = the key authenticated (the empty sale is then refused); 401 = the key was refused. */
  const useKey = async (key: string) => (await t.app.inject({ method: 'POST', url: '/api/v1/integracion/venta-servicio', headers: { 'x-api-key': key }, payload: {} })).statusCode;

  it('shows a new key once, stores only its SHA-256 and lets only ADMIN manage clients', async () => {
    const res = await create();
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { apiKey, id, claves } = res.json();
    expect(apiKey).toMatch(/^hce_[A-Za-z0-9_-]{43}$/);
    expect(claves).toEqual([expect.objectContaining({ prefijo: apiKey.slice(0, 12), vigente: true, expiresAt: null })]);
    expect(res.json()).toMatchObject({ permisos: ['sales:webhook'], origen: 'ADMIN', activo: true });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/integration-clients', headers: admin.headers });
    expect(list.json().data.map((c: { id: string }) => c.id)).toContain(id);
    expect(list.body).not.toContain(apiKey);
    const stored = await t.database.db.execute<{ key_hash: string }>(sql`SELECT key_hash FROM integration_client_keys WHERE client_id = ${id}`);
    expect(stored.rows).toEqual([{ key_hash: createHash('sha256').update(apiKey).digest('hex') }]);
    const leaks = await t.database.db.execute(sql`SELECT 1 FROM audit_events WHERE details::text LIKE ${`%${apiKey.slice(12)}%`}`);
    expect(leaks.rows).toHaveLength(0);
    expect(await useKey(apiKey)).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/integration-clients', headers: medico.headers })).statusCode).toBe(403);
    expect((await create(res.json().nombre)).json().code).toBe('INTEGRATION_CLIENT_EXISTS');
    const badPermission = await t.app.inject({ method: 'POST', url: '/api/v1/integration-clients', headers: admin.headers, payload: { nombre: 'Otro sistema', permisos: ['patients:read'] } });
    expect(badPermission.json().errors[0].path).toBe('permisos.0');
  });

  it('refuses a revoked client\'s keys at once', async () => {
    const { id, apiKey } = (await create()).json();
    const revoked = await t.app.inject({ method: 'POST', url: `/api/v1/integration-clients/${id}/revoke`, headers: admin.headers });
    expect(revoked.json()).toMatchObject({ activo: false, claves: [expect.objectContaining({ vigente: false })] });
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/integracion/venta-servicio', headers: { 'x-api-key': apiKey }, payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('INVALID_API_KEY');
    expect((await rotate(id)).json().code).toBe('INTEGRATION_CLIENT_REVOKED');
    const denied = await t.database.db.execute(sql`SELECT 1 FROM audit_events WHERE action = 'API_KEY_REJECTED' AND outcome = 'DENIED'`);
    expect(denied.rows.length).toBeGreaterThan(0);
  });

  it('rotates with overlap: the old key works until expiresAt (24 h by default), the new one at once', async () => {
    const { id, apiKey: first } = (await create()).json();
    const rotated = await rotate(id);
    expect(rotated.statusCode).toBe(200);
    const { apiKey: second, clavesAnterioresVencen } = rotated.json();
    const overlapHours = (Date.parse(clavesAnterioresVencen) - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
    expect(await useKey(first)).toBe(400);
    expect(await useKey(second)).toBe(400);
    const immediate = await rotate(id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await useKey(first)).toBe(401);
    expect(await useKey(second)).toBe(401);
    expect(await useKey(immediate.json().apiKey)).toBe(400);
    expect(immediate.json().claves.filter((k: { vigente: boolean }) => k.vigente)).toHaveLength(1);
    const tooLong = await rotate(id, { expiresAt: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    expect(tooLong.json().errors[0].path).toBe('expiresAt');
  });

  it('bootstraps the billing client from HCE_SALES_API_KEY, and a changed variable keeps the old key for the overlap', async () => {
    const clients = t.app.ctx.services.integrationClients;
    const envKey = `env-key-${randomUUID()}`;
    expect(await clients.bootstrapFromEnv(envKey)).toBe('created');
    expect(await clients.bootstrapFromEnv(envKey)).toBe('exists');
    expect(await useKey(envKey)).toBe(400);
    const nextKey = `env-key-${randomUUID()}`;
    expect(await clients.bootstrapFromEnv(nextKey)).toBe('added');
    expect(await useKey(envKey)).toBe(400);
    expect(await useKey(nextKey)).toBe(400);
    const env = (await t.app.inject({ method: 'GET', url: '/api/v1/integration-clients', headers: admin.headers })).json().data.find((c: { origen: string }) => c.origen === 'ENV');
    expect(env.claves).toHaveLength(2);
    expect(env.claves[0].expiresAt).not.toBeNull();
  });

  it('rate limits each client on its own', async () => {
    const busy = (await create()).json().apiKey;
    const calm = (await create()).json().apiKey;
    for (let i = 0; i < 3; i++) expect(await useKey(busy)).toBe(400);
    const limited = await t.app.inject({ method: 'POST', url: '/api/v1/integracion/venta-servicio', headers: { 'x-api-key': busy }, payload: {} });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await useKey(calm)).toBe(400);
  });
});
