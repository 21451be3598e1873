import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type RoleName } from '../../src/modules/auth/auth.types.js';
import { roleHasPermission } from '../../src/modules/auth/permissions.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';

/** Routes deliberately reachable without a user token. Anything else must declare a permission. */
const PUBLIC_ROUTES = new Set([
  'GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /openapi.json',
  'POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/logout',
  'POST /api/v1/auth/forgot-password', 'POST /api/v1/auth/reset-password',
  'GET /api/v1/verify/:code', 'GET /api/v1/attachments/:id/signed-content', 'GET /fhir/r4/metadata',
]);

describe('route table and permission matrix', () => {
  let t: TestApp;
  const tokens = {} as Record<RoleName, TestUser>;

  beforeAll(async () => {
    t = await buildTestApp();
    for (const role of ROLES) tokens[role] = await createUser(t, role);
  });
  afterAll(async () => t.close());

  const apiRoutes = () => t.app.ctx.routes.filter((r) => !r.url.startsWith('/docs') && r.method !== 'HEAD' && r.method !== 'OPTIONS');

  it('has no route open by accident', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      if (route.public) expect(PUBLIC_ROUTES, `${key} is public but not in the allow-list`).toContain(key);
      else expect(route.permission ?? (route.apiKey ? 'api-key' : undefined), `${key} has no permission`).toBeDefined();
    }
  });

  it('refuses every protected route without a token', async () => {
    for (const route of apiRoutes().filter((r) => !r.public)) {
      const res = await t.app.inject({ method: route.method as 'GET', url: route.url.replace(/:(\w+)/g, () => randomUUID()) });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['content-type']).toMatch(route.url.startsWith('/fhir/') ? /fhir\+json/ : /problem\+json/);
    }
  });

  it('lets each role through exactly the routes its permissions allow', async () => {
    for (const route of apiRoutes().filter((r) => r.permission)) {
      for (const role of ROLES) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: route.url.replace(/:(\w+)/g, () => randomUUID()),
          headers: tokens[role].headers,
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
        });
        const allowed = roleHasPermission(role, route.permission!);
        const label = `${role} ${route.method} ${route.url} → ${res.statusCode}`;
        if (allowed) expect(res.statusCode, label).not.toBe(403);
        else {
          expect(res.statusCode, label).toBe(403);
          // FHIR routes answer OperationOutcome (issue code "forbidden") instead of problem+json.
          const body = res.json();
          expect(String(body.code ?? body.issue?.[0]?.details?.text ?? body.issue?.[0]?.code).toUpperCase(), label).toBe('FORBIDDEN');
        }
        expect(res.statusCode, label).not.toBe(401);
        expect(res.statusCode, label).toBeLessThan(500);
      }
    }
  });

  it('audits denied access', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: tokens.MEDICO.headers });
    expect(res.statusCode).toBe(403);
    const audit = await t.app.inject({ method: 'GET', url: `/api/v1/audit?actor_id=${tokens.MEDICO.id}&action=ACCESS_DENIED`, headers: tokens.ADMIN.headers });
    expect(audit.json().data[0]).toMatchObject({ action: 'ACCESS_DENIED', outcome: 'DENIED', actorRole: 'MEDICO' });
    expect(audit.json().data[0].details).toMatchObject({ route: '/api/v1/users', permission: 'users:read' });
  });

  it('refuses integration API keys on user routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': 'some-integration-key' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('BEARER_REQUIRED');
  });
});
