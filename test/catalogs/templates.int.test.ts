import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';
import { seed } from './helpers.js';

describe('text templates', () => {
  let t: TestApp;
  let admin: TestUser;
  let asistente: TestUser;
  let medico: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createUser(t, 'ADMIN');
    asistente = await createUser(t, 'ASISTENTE');
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => t.close());

  const list = async (type: string, user = medico, query = '') =>
    t.app.inject({ method: 'GET', url: `/api/v1/catalogs/templates/${type}${query}`, headers: user.headers });
  const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url: `/api/v1/catalogs/templates${url}`, headers: user.headers, ...(payload ? { payload } : {}) });

  it('lists the shipped templates of a type with the placeholders they use and the ones allowed', async () => {
    const shipped = seed<{ tipo: string }[]>('templates.json');
    for (const type of ['anamnesis', 'examen_fisico', 'indicaciones', 'evolucion']) {
      const res = await list(type, asistente);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.data).toHaveLength(shipped.filter((s) => s.tipo === type).length);
      expect(body.data.length).toBeGreaterThan(1);
      expect(body.data.every((d: { tipo: string; activo: boolean }) => d.tipo === type && d.activo)).toBe(true);
      expect(body.marcadores.map((m: { marcador: string }) => m.marcador)).toEqual([
        '{{paciente.nombreCompleto}}', '{{paciente.nombres}}', '{{paciente.edad}}', '{{paciente.sexo}}',
        '{{medico.nombreCompleto}}', '{{medico.cmp}}', '{{fecha}}', '{{hora}}',
      ]);
    }
    const anamnesis = (await list('anamnesis')).json().data;
    expect(anamnesis.some((d: { marcadores: string[] }) => d.marcadores.includes('paciente.edad'))).toBe(true);
    const bad = await list('receta');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('type');
  });

  it('lets ADMIN create, edit and retire a template, audited; retired ones leave the list', async () => {
    const created = await send('POST', '', admin, {
      tipo: 'evolucion', nombre: 'Control de dengue sin signos de alarma',
      contenido: 'Paciente {{paciente.nombreCompleto}} ({{paciente.edad}}), día ___ de enfermedad.\nAtendido por {{medico.nombreCompleto}} (CMP {{ medico.cmp }}) el {{fecha}} a las {{hora}}.',
    });
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json();
    expect(template).toMatchObject({ tipo: 'evolucion', activo: true, createdBy: admin.id, marcadores: ['paciente.nombreCompleto', 'paciente.edad', 'medico.nombreCompleto', 'medico.cmp', 'fecha', 'hora'] });
    expect((await list('evolucion')).json().data.map((d: { id: string }) => d.id)).toContain(template.id);

    const updated = await send('PUT', `/${template.id}`, admin, { nombre: 'Control de dengue (DSSA)', contenido: 'Sin signos de alarma: {{fecha}}.' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ nombre: 'Control de dengue (DSSA)', marcadores: ['fecha'], updatedBy: admin.id });

    const moved = await send('PUT', `/${template.id}`, admin, { tipo: 'indicaciones' });
    expect(moved.json().tipo).toBe('indicaciones');

    const retired = await send('DELETE', `/${template.id}`, admin);
    expect(retired.statusCode).toBe(200);
    expect(retired.json().activo).toBe(false);
    expect((await list('indicaciones')).json().data.map((d: { id: string }) => d.id)).not.toContain(template.id);
    expect((await list('indicaciones', admin, '?incluirInactivas=true')).json().data.map((d: { id: string }) => d.id)).toContain(template.id);
    // Retired, not deleted: notes written from it still point to a row.
    expect((await t.database.db.execute(sql`SELECT 1 FROM templates WHERE id = ${template.id}`)).rows).toHaveLength(1);

    const actions = (await t.database.db.execute<{ action: string }>(
      sql`SELECT action FROM audit_events WHERE entity = 'template' AND entity_id = ${template.id} ORDER BY id`)).rows.map((r) => r.action);
    expect(actions).toEqual(['TEMPLATE_CREATED', 'TEMPLATE_UPDATED', 'TEMPLATE_UPDATED', 'TEMPLATE_RETIRED']);
  });

  it('refuses unknown placeholders and stray braces, naming the field', async () => {
    const res = await send('POST', '', admin, { tipo: 'anamnesis', nombre: 'Con error', contenido: 'Hola {{paciente.dni}} y {{fecha' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const messages = res.json().errors.filter((e: { path: string }) => e.path === 'contenido').map((e: { message: string }) => e.message);
    expect(messages.join(' ')).toMatch(/Marcador desconocido \{\{paciente\.dni\}\}/);
    expect(messages.join(' ')).toMatch(/sin cerrar/);
    const empty = await send('POST', '', admin, { tipo: 'anamnesis', nombre: '  ', contenido: 'x' });
    expect(empty.json().errors[0]).toMatchObject({ path: 'nombre' });
  });

  it('refuses a second active template with the same name and type (any case or accent)', async () => {
    const payload = { tipo: 'anamnesis', nombre: 'Cefalea tensional', contenido: 'Cefalea de ___ días.' };
    expect((await send('POST', '', admin, payload)).statusCode).toBe(201);
    const dup = await send('POST', '', admin, { ...payload, nombre: 'CEFALEA TENSIONAL' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'TEMPLATE_NAME_TAKEN', errors: [{ path: 'nombre' }] });
  });

  it('lets every role read but only ADMIN write (403 for others), and 404 for an unknown id', async () => {
    for (const user of [asistente, medico]) {
      expect((await list('anamnesis', user)).statusCode).toBe(200);
      expect((await send('POST', '', user, { tipo: 'anamnesis', nombre: 'X', contenido: 'Y' })).statusCode).toBe(403);
      const someId = (await list('anamnesis', user)).json().data[0].id as string;
      expect((await send('PUT', `/${someId}`, user, { nombre: 'Z' })).statusCode).toBe(403);
      expect((await send('DELETE', `/${someId}`, user)).statusCode).toBe(403);
    }
    const missing = await send('PUT', `/${randomUUID()}`, admin, { nombre: 'Z' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('answers 304 to a client holding the current list, and 200 once it changes', async () => {
    const first = await list('examen_fisico');
    const etag = first.headers.etag as string;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/templates/examen_fisico', headers: { ...medico.headers, 'if-none-match': etag } })).statusCode).toBe(304);
    await send('POST', '', admin, { tipo: 'examen_fisico', nombre: 'Examen de rodilla', contenido: 'Rodilla: ___' });
    const changed = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/templates/examen_fisico', headers: { ...medico.headers, 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});
