import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/modules/auth/auth.types.js';
import { roleHasPermission } from '../../src/modules/auth/permissions.js';
import { createUser, type TestUser } from '../factories/users.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * The route table as an attacker sees it: every non-public route refuses anonymous and
 * forged credentials, and every role is refused the permissions it lacks. Login lockout,
 * refresh reuse and JWT expiry live in test/auth/*; the doctor-vs-doctor rule in
 * test/attentions/attentions.int.test.ts.
 */
let t: TestApp;
const users = {} as Record<(typeof ROLES)[number], TestUser>;

beforeAll(async () => {
  t = await buildTestApp({ env: { CORS_ORIGINS: 'https://hce.clinica.pe' } });
  for (const role of ROLES) users[role] = await createUser(t, role);
}, 180_000);
afterAll(async () => t?.close());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const concrete = (url: string) => url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');

describe('route authentication table', () => {
  it('refuses anonymous, alg:none, re-signed and payload-swapped tokens on every protected route', async () => {
    const protectedRoutes = t.app.ctx.routes.filter((r) => !r.public && r.method !== 'HEAD');
    expect(protectedRoutes.length).toBeGreaterThan(30);
    const [header, payload, signature] = users.ASISTENTE.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = [
      '',
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'ADMIN' })}.`,
      `Bearer ${header}.${b64({ ...claims, role: 'ADMIN' })}.${signature}`,
      `Bearer ${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`,
      `Bearer ${header}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })}.${signature}`,
      `Bearer ${users.ASISTENTE.token}x`,
      'Basic YWRtaW46YWRtaW4=',
    ];
    const failures: string[] = [];
    for (const route of protectedRoutes) {
      for (const authorization of forged) {
        const res = await t.app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: authorization ? { authorization } : {} });
        if (res.statusCode !== 401) failures.push(`${route.method} ${route.url} [${authorization.slice(0, 20)}] → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses each role every permission it lacks (role escalation)', async () => {
    const failures: string[] = [];
    for (const route of t.app.ctx.routes.filter((r) => r.permission && r.method !== 'HEAD')) {
      for (const role of ROLES) {
        if (roleHasPermission(role, route.permission!)) continue;
        const res = await t.app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: users[role].headers, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
        if (res.statusCode !== 403) failures.push(`${role} ${route.method} ${route.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses cross-origin requests from origins not configured', async () => {
    const evil = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/patients', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const good = await t.app.inject({ method: 'OPTIONS', url: '/api/v1/patients', headers: { origin: 'https://hce.clinica.pe', 'access-control-request-method': 'GET' } });
    expect(good.headers['access-control-allow-origin']).toBe('https://hce.clinica.pe');
  });
});
