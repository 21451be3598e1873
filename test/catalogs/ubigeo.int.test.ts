import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';

interface District { inei: string; reniec: string | null; departamento: string; provincia: string; distrito: string }

describe('ubigeo catalog', () => {
  let t: TestApp;
  let asistente: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
  });
  afterAll(async () => t.close());

  const get = async (url: string, status = 200) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/catalogs/ubigeo${url}`, headers: asistente.headers });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  it('lists departments with both INEI and RENIEC codes (Piura: INEI 20, RENIEC 19)', async () => {
    const body = await get('/departamentos');
    expect(body.data).toHaveLength(25);
    expect(body.data.find((d: { nombre: string }) => d.nombre === 'Piura')).toEqual({ inei: '20', reniec: '19', nombre: 'Piura' });
    expect(body.fuente).toMatch(/INEI/);
  });

  it('lists the provinces of a department given by name (any accent or case) or INEI code', async () => {
    const byName = await get('/provincias?departamento=PIURA');
    expect(byName.data.map((p: { nombre: string }) => p.nombre)).toEqual(['Piura', 'Ayabaca', 'Huancabamba', 'Morropón', 'Paita', 'Sullana', 'Talara', 'Sechura']);
    expect(byName.data[5]).toMatchObject({ inei: '2006', reniec: '1906', departamento: 'Piura', departamento_inei: '20' });
    expect((await get('/provincias?departamento=20')).data).toEqual(byName.data);
    expect((await get('/provincias?departamento=ancash')).data.length).toBeGreaterThan(10);
    expect((await get('/provincias')).data).toHaveLength(196);
    const unknown = await get('/provincias?departamento=Atlantida', 400);
    expect(unknown.errors[0]).toMatchObject({ path: 'departamento' });
  });

  it('lists the districts of a province by name with or without accents, or by INEI code', async () => {
    const morropon = await get('/distritos?provincia=Morropon');
    expect(morropon.data).toHaveLength(10);
    expect(morropon.data.every((d: District) => d.provincia === 'Morropón' && d.inei.startsWith('2004'))).toBe(true);
    const piura = await get(`/distritos?provincia=${encodeURIComponent('piura')}&departamento=Piura`);
    expect(piura.data.map((d: District) => d.distrito)).toEqual(expect.arrayContaining(['Castilla', 'Catacaos', 'Veintiséis de Octubre']));
    expect((await get('/distritos?provincia=2006')).data.map((d: District) => d.distrito)).toContain('Sullana');
    expect((await get('/distritos?departamento=20')).data.length).toBeGreaterThan(60);
    expect((await get('/distritos?provincia=Sullana&departamento=Lima', 400)).errors[0].path).toBe('provincia');
    expect((await get('/distritos', 400)).errors[0].path).toBe('provincia');
  });

  it('searches districts by name or code, exact names first, paginated', async () => {
    const castilla = await get('?search=castilla');
    expect(castilla.data[0]).toMatchObject({ distrito: 'Castilla', provincia: 'Piura', inei: '200104', reniec: '190103' });
    expect(castilla.total).toBeGreaterThanOrEqual(4);
    // INEI and RENIEC numberings differ: a code may name one district in each.
    const byCode = await get('?search=200104');
    expect(byCode.data).toContainEqual(castilla.data[0]);
    expect(byCode.data.every((d: District) => d.inei === '200104' || d.reniec === '200104')).toBe(true);
    const page = await get('?search=piura&limit=5&offset=5');
    expect(page).toMatchObject({ limit: 5, offset: 5 });
    expect(page.total).toBeGreaterThan(10);
  });

  it('is cacheable', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/ubigeo/departamentos', headers: asistente.headers });
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/ubigeo/departamentos', headers: { ...asistente.headers, 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });
});
