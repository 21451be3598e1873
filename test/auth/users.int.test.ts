import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('users (ADMIN)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createUser(t, 'ADMIN');
  });
  afterAll(async () => t.close());

  const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload });
  const doctor = {
    email: 'Dr.Garcia@Clinica.pe', password: 'Medico-Piura-2026', nombres: 'José Luis', apellidoPaterno: 'García',
    apellidoMaterno: 'Peña', role: 'MEDICO', cmp: '045123', especialidad: 'Cardiología', rne: '12345', numeroDocumento: '10117410', codigoExterno: 'MED-001',
  };

  it('creates a doctor with profile fields, by role name', async () => {
    const res = await post(doctor);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ email: 'dr.garcia@clinica.pe', role: 'MEDICO', isActive: true, cmp: '045123', especialidad: 'Cardiología', numeroDocumento: '10117410', nombreCompleto: 'José Luis García Peña' });
    expect(body.user_id).toBe(body.id);
    expect(res.body).not.toContain('Medico-Piura-2026');
    const raw = await t.database.db.execute(sql`SELECT * FROM users WHERE id = ${body.id}`);
    expect(JSON.stringify(raw.rows)).not.toContain('10117410');
    expect(String(raw.rows[0]!.password_hash)).toMatch(/^\$2[aby]\$/);
  });

  it('accepts role_id and lists roles with permissions', async () => {
    const roles = (await t.app.inject({ method: 'GET', url: '/api/v1/roles', headers: admin.headers })).json().data;
    expect(roles.map((r: { name: string }) => r.name)).toEqual(['ADMIN', 'ASISTENTE', 'MEDICO']);
    const asistente = roles.find((r: { name: string }) => r.name === 'ASISTENTE');
    const res = await post({ email: 'recepcion1@clinica.pe', password: 'Recepcion-2026', nombres: 'Rosa', apellidoPaterno: 'Flores', role_id: asistente.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().role).toBe('ASISTENTE');
  });

  it('refuses a duplicate e-mail in any case, and a duplicate CMP', async () => {
    const dupEmail = await post({ ...doctor, email: 'DR.GARCIA@clinica.pe', cmp: '999999', codigoExterno: 'X1' });
    expect(dupEmail.statusCode).toBe(409);
    expect(dupEmail.json().errors[0].path).toBe('email');
    const dupCmp = await post({ ...doctor, email: 'otro@clinica.pe', codigoExterno: 'X2' });
    expect(dupCmp.statusCode).toBe(409);
    expect(dupCmp.json().errors[0].path).toBe('cmp');
  });

  it('validates every field with Spanish messages and the password policy', async () => {
    const res = await post({ email: 'no-es-correo', password: 'corta', nombres: 'J0sé', apellidoPaterno: '', role: 'JEFE' });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'nombres', 'apellidoPaterno', 'role']));
    for (const [password, why] of [['corta', /al menos 10/], ['1234567890', /común/], ['igual@clinica.pe', /igual al correo/]] as const) {
      const r = await post({ email: 'igual@clinica.pe', password, nombres: 'Ana', apellidoPaterno: 'Ruiz', role: 'ASISTENTE' });
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].message).toMatch(why);
    }
    const noCmp = await post({ email: 'sincmp@clinica.pe', password: 'Medico-Piura-2026', nombres: 'Ana', apellidoPaterno: 'Ruiz', role: 'MEDICO' });
    expect(noCmp.json().errors[0].path).toBe('cmp');
  });

  it('lists with filters and pagination', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users?role=MEDICO&limit=1', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.limit).toBe(1);
    expect(body.data).toHaveLength(1);
    expect(body.data[0].role).toBe('MEDICO');
    expect(body.total).toBeGreaterThanOrEqual(1);
  });

  it('updates fields sent, audits role changes, and refuses stale versions', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/users/${user.id}`, headers: admin.headers, payload: { role: 'MEDICO', cmp: '077001', version: user.version } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ role: 'MEDICO', cmp: '077001', nombres: user.nombres, version: user.version + 1 });
    const stale = await t.app.inject({ method: 'PUT', url: `/api/v1/users/${user.id}`, headers: admin.headers, payload: { nombres: 'Otra', version: user.version } });
    expect(stale.statusCode).toBe(409);
    const audit = await t.app.inject({ method: 'GET', url: `/api/v1/audit?action=ROLE_CHANGED`, headers: admin.headers });
    const event = audit.json().data.find((e: { entityId: string }) => e.entityId === user.id);
    expect(event.details.changes.role).toEqual({ old: 'ASISTENTE', new: 'MEDICO' });
    // The old token carried the old role: it no longer works.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers })).statusCode).toBe(401);
  });

  it('never deletes: DELETE deactivates, and an admin cannot deactivate themself', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${user.id}`, headers: admin.headers });
    expect(del.json().isActive).toBe(false);
    const still = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: admin.headers });
    expect(still.statusCode).toBe(200);
    const self = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${admin.id}`, headers: admin.headers });
    expect(self.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/00000000-0000-4000-8000-000000000000`, headers: admin.headers })).statusCode).toBe(404);
  });
});
