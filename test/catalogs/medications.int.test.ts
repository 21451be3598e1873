import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';
import { seed } from './helpers.js';

interface Medication { id: string; dci: string; codigoAtc: string | null; petitorio: boolean; controlado: boolean; descripcion: string; grupoTerapeutico: string | null }

describe('medications, allergen groups and procedures catalogs', () => {
  let t: TestApp;
  let asistente: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
  });
  afterAll(async () => t.close());

  const get = async (url: string, status = 200) => {
    const res = await t.app.inject({ method: 'GET', url, headers: asistente.headers });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  it('ships at least 300 PNUME medicines, all with a well-formed 7-character ATC code', async () => {
    const seeded = seed<unknown[]>('medications.json');
    const rows = (await t.database.db.execute<{ dci: string; codigo_atc: string | null; codigo_digemid: string | null }>(
      sql`SELECT dci, codigo_atc, codigo_digemid FROM medications`)).rows;
    expect(rows).toHaveLength(seeded.length);
    expect(rows.length).toBeGreaterThanOrEqual(300);
    const malformed = rows.filter((r) => !/^[A-Z]\d{2}[A-Z]{2}\d{2}$/.test(r.codigo_atc ?? ''));
    expect(malformed).toEqual([]);
    // DIGEMID codes are never invented: the shipped list has none.
    expect(rows.filter((r) => r.codigo_digemid !== null)).toEqual([]);
  });

  it('searches by DCI without accents, by therapeutic group and by ATC code prefix', async () => {
    const amox = await get('/api/v1/catalogs/medications?search=amoxicilina&limit=50');
    expect(amox.total).toBeGreaterThan(0);
    expect(amox.data.every((m: Medication) => /amoxicilina/i.test(m.dci))).toBe(true);
    expect(amox.data[0].descripcion).toMatch(/^Amoxicilina /);
    const codeina = await get('/api/v1/catalogs/medications?search=codeina');
    expect(codeina.data[0].dci).toBe('Codeína');
    const typo = await get('/api/v1/catalogs/medications?search=ibuprofenno');
    expect(typo.data.map((m: Medication) => m.dci)).toContain('Ibuprofeno');
    const byAtc = await get('/api/v1/catalogs/medications?search=j01ca&limit=100');
    expect(byAtc.total).toBeGreaterThan(0);
    expect(byAtc.data.every((m: Medication) => m.codigoAtc!.startsWith('J01CA'))).toBe(true);
    const byGroup = await get(`/api/v1/catalogs/medications?search=${encodeURIComponent('inhibidores de la bomba')}`);
    expect(byGroup.data.map((m: Medication) => m.dci)).toContain('Omeprazol');
  });

  it('filters controlled and non-PNUME medicines', async () => {
    const controlled = await get('/api/v1/catalogs/medications?controlado=true&limit=100');
    expect(controlled.total).toBeGreaterThan(0);
    expect(controlled.data.every((m: Medication) => m.controlado)).toBe(true);
    expect(controlled.data.map((m: Medication) => m.dci)).toContain('Clonazepam');
    const outside = await get('/api/v1/catalogs/medications?petitorio=false&limit=100');
    expect(outside.data.every((m: Medication) => !m.petitorio)).toBe(true);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/medications?controlado=quiza', headers: asistente.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: 'controlado', message: 'Use true o false' });
  });

  it('returns a medicine by id, 404 for an unknown id and 400 for a malformed one', async () => {
    const first = (await get('/api/v1/catalogs/medications?search=paracetamol')).data[0] as Medication;
    expect(await get(`/api/v1/catalogs/medications/${first.id}`)).toEqual(first);
    expect((await get(`/api/v1/catalogs/medications/${randomUUID()}`, 404)).code).toBe('MEDICATION_NOT_FOUND');
    expect((await get('/api/v1/catalogs/medications/123', 400)).errors[0].path).toBe('id');
  });

  it('lists allergen groups with synonyms, ATC prefixes and cross-reactivity', async () => {
    const all = await get('/api/v1/catalogs/allergens?limit=100');
    expect(all.total).toBe(seed<unknown[]>('allergen-groups.json').length);
    const pen = await get('/api/v1/catalogs/allergens?search=penicilina');
    const penicilinas = pen.data.find((g: { codigo: string }) => g.codigo === 'PENICILINAS');
    expect(penicilinas).toMatchObject({ atcPrefijos: ['J01C'] });
    expect(penicilinas.reactividadCruzada).toEqual(expect.arrayContaining([expect.objectContaining({ grupo: 'CEFALOSPORINAS' })]));
    const sulfas = await get('/api/v1/catalogs/allergens?search=SULFAS');
    expect(sulfas.data.map((g: { codigo: string }) => g.codigo)).toContain('SULFONAMIDAS');
  });

  it('searches procedures by words or CPMS code and filters by type', async () => {
    const hemograma = await get('/api/v1/catalogs/procedures?search=hemograma');
    expect(hemograma.data[0]).toMatchObject({ tipo: 'LABORATORIO' });
    expect(hemograma.data.map((p: { codigo: string }) => p.codigo)).toContain('85025');
    const torax = await get(`/api/v1/catalogs/procedures?search=${encodeURIComponent('radiografia torax')}&tipo=IMAGEN`);
    expect(torax.data.map((p: { codigo: string }) => p.codigo)).toEqual(expect.arrayContaining(['71045', '71046']));
    const byCode = await get('/api/v1/catalogs/procedures?search=8502');
    expect(byCode.data.every((p: { codigo: string }) => p.codigo.startsWith('8502'))).toBe(true);
    const interconsultas = await get('/api/v1/catalogs/procedures?tipo=INTERCONSULTA&limit=100');
    expect(interconsultas.total).toBeGreaterThan(0);
    expect(interconsultas.data.every((p: { tipo: string }) => p.tipo === 'INTERCONSULTA')).toBe(true);
    expect(await get('/api/v1/catalogs/procedures/85025')).toMatchObject({ nombre: expect.stringMatching(/^Hemograma completo/) });
    expect((await get('/api/v1/catalogs/procedures?tipo=RAYOS', 400)).errors[0].path).toBe('tipo');
    const total = (await get('/api/v1/catalogs/procedures?limit=1')).total;
    expect(total).toBeGreaterThanOrEqual(150);
  });

  it('answers 304 to a matching If-None-Match on every catalog', async () => {
    for (const url of ['/api/v1/catalogs/medications?search=amoxicilina', '/api/v1/catalogs/allergens', '/api/v1/catalogs/procedures?tipo=IMAGEN']) {
      const first = await t.app.inject({ method: 'GET', url, headers: asistente.headers });
      expect(first.headers['cache-control'], url).toBe('private, max-age=300');
      const again = await t.app.inject({ method: 'GET', url, headers: { ...asistente.headers, 'if-none-match': `"x", ${first.headers.etag as string}` } });
      expect(again.statusCode, url).toBe(304);
    }
  });
});
