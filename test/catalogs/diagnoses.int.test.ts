import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';
import { seed } from './helpers.js';

interface Diagnosis { codigo: string; descripcion: string; nivel: number; capitulo: string | null; grupo: string | null }

describe('CIE-10 diagnoses catalog', () => {
  let t: TestApp;
  let medico: TestUser;
  const source = seed<{ codigo: string; descripcion: string }[]>('cie10.json');

  beforeAll(async () => {
    t = await buildTestApp();
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => t.close());

  const search = async (query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/catalogs/diagnoses?${query}`, headers: medico.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { data: Diagnosis[]; total: number; limit: number; offset: number };
  };
  const codes = (body: { data: Diagnosis[] }) => body.data.map((d) => d.codigo);

  it('holds every code of the source, dotted, and nothing else', async () => {
    const stored = await t.database.db.execute<{ codigo: string }>(sql`SELECT codigo FROM diagnoses WHERE sistema = 'CIE-10'`);
    expect(stored.rows).toHaveLength(source.length);
    expect(new Set(stored.rows.map((r) => r.codigo))).toEqual(new Set(source.map((s) => s.codigo)));
    expect((await search('limit=1')).total).toBe(source.length);
    expect(stored.rows.every((r) => /^[A-Z]\d{2}(\.\d)?$/.test(r.codigo))).toBe(true);
  });

  it('has the well-known entries, with accents and the post-2016 WHO updates', async () => {
    const get = async (code: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/catalogs/diagnoses/${code}`, headers: medico.headers })).json() as Diagnosis;
    expect(await get('A97.0')).toMatchObject({ codigo: 'A97.0', descripcion: 'Dengue sin signos de alarma', nivel: 4, capitulo: 'I' });
    expect(await get('A97.1')).toMatchObject({ descripcion: 'Dengue con signos de alarma' });
    expect(await get('A97.2')).toMatchObject({ descripcion: 'Dengue grave' });
    expect(await get('J06.9')).toMatchObject({ descripcion: 'Infección aguda de las vías respiratorias superiores, no especificada', grupo: 'J00-J06' });
    expect(await get('E11.9')).toMatchObject({ codigo: 'E11.9', capitulo: 'IV' });
    expect((await get('E11.9')).descripcion).toMatch(/^Diabetes mellitus no insulinodependiente/);
    expect(await get('I10')).toMatchObject({ codigo: 'I10', descripcion: 'Hipertensión esencial (primaria)', nivel: 3 });
    expect(await get('U07.1')).toMatchObject({ descripcion: 'COVID-19, virus identificado' });
  });

  it('finds a code typed with or without the dot, in any case', async () => {
    for (const [url, code] of [['j069', 'J06.9'], ['J06.9', 'J06.9'], ['a97', 'A97'], ['i10', 'I10']]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/catalogs/diagnoses/${url}`, headers: medico.headers });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().codigo).toBe(code);
    }
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses/A98.9', headers: medico.headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'DIAGNOSIS_NOT_FOUND' });
    const invalid = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses/J0.69', headers: medico.headers });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toMatch(/problem\+json/);
    expect(invalid.json().errors[0]).toMatchObject({ path: 'codigo' });
  });

  it('searches by code prefix: exact code first, then the codes under it', async () => {
    expect(codes(await search('search=J06'))).toEqual(['J06', 'J06.0', 'J06.8', 'J06.9']);
    expect(codes(await search('search=j069'))).toEqual(['J06.9']);
    expect(codes(await search('search=J06.9'))).toEqual(['J06.9']);
    const dengue = await search('search=A97');
    expect(codes(dengue)).toEqual(['A97', 'A97.0', 'A97.1', 'A97.2', 'A97.9']);
    const a9 = await search('search=a9&limit=100');
    expect(a9.data.every((d) => d.codigo.startsWith('A9'))).toBe(true);
    expect(codes(a9)).toContain('A97.0');
  });

  it('searches words without accents and with typos, ranking the best match first', async () => {
    const neumonia = await search('search=neumonia&limit=10');
    expect(neumonia.data[0]!.descripcion).toMatch(/^Neumonía/);
    expect(codes(neumonia)).toContain('J18.9');
    const diabetis = await search('search=diabetis&limit=10');
    expect(diabetis.total).toBeGreaterThan(10);
    expect(diabetis.data.every((d) => /^Diabetes/.test(d.descripcion))).toBe(true);
    expect(codes(await search('search=diabetis%20mellitus&limit=100'))).toContain('E11.9');
    const hta = await search(`search=${encodeURIComponent('HIPERTENSIÓN esencial')}`);
    expect(codes(hta)[0]).toBe('I10');
    const twoWords = await search(`search=${encodeURIComponent('infeccion respiratorias superiores')}&limit=50`);
    expect(codes(twoWords)).toContain('J06.9');
    expect(twoWords.data.every((d) => /infecci/i.test(d.descripcion) && /respiratori/i.test(d.descripcion))).toBe(true);
    expect((await search('search=xqzwv')).total).toBe(0);
  });

  it('paginates with a stable order and a total that does not depend on the page', async () => {
    const all = await search('search=neumonia&limit=30');
    const first = await search('search=neumonia&limit=10&offset=0');
    const second = await search('search=neumonia&limit=10&offset=10');
    expect(first.total).toBe(all.total);
    expect(second.total).toBe(all.total);
    expect([...codes(first), ...codes(second)]).toEqual(codes(all).slice(0, 20));
    expect(second).toMatchObject({ limit: 10, offset: 10 });
    const past = await search(`search=neumonia&limit=10&offset=${all.total + 5}`);
    expect(past).toMatchObject({ data: [], total: all.total });
  });

  it('validates its query in Spanish, naming the field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses?limit=1000&foo=1', headers: medico.headers });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['limit', 'foo']));
  });

  it('sends a weak ETag and Cache-Control, and 304 when the client has the same body', async () => {
    const url = '/api/v1/catalogs/diagnoses?search=dengue';
    const first = await t.app.inject({ method: 'GET', url, headers: medico.headers });
    expect(first.headers.etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toBe('private, max-age=300');
    const again = await t.app.inject({ method: 'GET', url, headers: { ...medico.headers, 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses?search=colera', headers: { ...medico.headers, 'if-none-match': first.headers.etag as string } });
    expect(other.statusCode).toBe(200);
    expect(other.headers.etag).not.toBe(first.headers.etag);
  });

  it('requires authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses?search=dengue' });
    expect(res.statusCode).toBe(401);
  });
});
