import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';
import { createPatient } from '../factories/patients.js';

describe('patient search', () => {
  let t: TestApp;
  let user: TestUser;
  const ids: Record<string, string> = {};
  const dnis: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp();
    user = await createUser(t, 'ASISTENTE');
    const people = [
      ['jose', 'José', 'Núñez', 'Peña'], ['josefa', 'Josefa', 'Núñez', 'Ramírez'], ['maria', 'María', 'Quispe', 'Huamán'],
      ['ana', 'Ana Lucía', 'García', 'Núñez'], ['luis', 'Luis', 'Zapata', 'Córdova'],
    ] as const;
    for (const [key, nombres, ap, am] of people) {
      const p = await createPatient(t, user, { nombres, apellidoPaterno: ap, apellidoMaterno: am });
      ids[key] = p.id;
      dnis[key] = p.numeroDocumento;
    }
    for (let i = 0; i < 25; i++) await createPatient(t, user, { nombres: 'Paginado', apellidoPaterno: `Serie${String.fromCharCode(65 + i)}` });
  });
  afterAll(async () => t.close());

  const search = async (q: string, extra = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/patients?search=${encodeURIComponent(q)}${extra}`, headers: user.headers });
    return res;
  };
  const found = async (q: string) => (await search(q)).json().data.map((p: { id: string }) => p.id) as string[];

  it('is accent- and case-insensitive and word-order free', async () => {
    expect(await found('jose nunez')).toContain(ids.jose);
    expect(await found('NUÑEZ josé')).toContain(ids.jose);
    expect((await found('maria quispe'))[0]).toBe(ids.maria);
    expect(await found('jose nunez')).not.toContain(ids.luis);
  });

  it('matches partial words and ranks the closest name first', async () => {
    const results = await found('jose nun');
    expect(results.slice(0, 2).sort()).toEqual([ids.jose, ids.josefa].sort());
    expect(results[0]).toBe(ids.jose);
  });

  it('tolerates a typo', async () => {
    expect(await found('quispe huaman')).toContain(ids.maria);
    expect(await found('zapata cordoba')).toContain(ids.luis);
  });

  it('finds by exact document number and by HC number', async () => {
    expect(await found(dnis.ana!)).toEqual([ids.ana]);
    const hc = (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${ids.luis}`, headers: user.headers })).json().numeroHistoriaClinica;
    expect((await found(hc.toLowerCase()))[0]).toBe(ids.luis);
  });

  it('paginates with correct totals', async () => {
    const first = (await search('paginado', '&limit=10&offset=0')).json();
    const third = (await search('paginado', '&limit=10&offset=20')).json();
    expect(first.total).toBe(25);
    expect(first.data).toHaveLength(10);
    expect(third.data).toHaveLength(5);
    expect(third.total).toBe(25);
    const all = new Set([...first.data, ...(await search('paginado', '&limit=10&offset=10')).json().data, ...third.data].map((p: { id: string }) => p.id));
    expect(all.size).toBe(25);
  });

  it('finds names by the beginning of any word, hyphenated parts included, and ranks whole words first', async () => {
    const rosa = await createPatient(t, user, { nombres: 'Rosa Elvira', apellidoPaterno: 'García-Pérez', apellidoMaterno: "D'Ángelo" });
    expect(await found('perez rosa')).toEqual([rosa.id]);
    expect(await found('garcia-perez')).toEqual([rosa.id]);
    expect(await found('angel elv')).toEqual([rosa.id]);
    // "nunez" is a whole surname of José, Josefa and Ana; "nun" only begins it: all three, José and Josefa first for "jose".
    expect((await found('nunez')).sort()).toEqual([ids.jose, ids.josefa, ids.ana].sort());
    expect(await found('nun jose')).toEqual([ids.jose, ids.josefa]);
  });

  it('pages whole-word matches in list order, then the words that only begin with the text', async () => {
    const make = (nombres: string, apellidoPaterno: string) => createPatient(t, user, { nombres, apellidoPaterno, apellidoMaterno: null });
    // Created out of order: the list order comes from the names, not from insertion.
    const carla = await make('Carla', 'Chunga');
    const zoe = await make('Zoe', 'Chungara');
    const ana = await make('Ana', 'Chunga');
    const abel = await make('Abel', 'Chungará');
    const beto = await make('Beto', 'Chunga');
    const pages = await Promise.all([0, 2, 4].map((offset) => search('chunga', `&limit=2&offset=${offset}`)));
    expect(pages.map((p) => p.json().total)).toEqual([5, 5, 5]);
    expect(pages.flatMap((p) => p.json().data.map((d: { id: string }) => d.id))).toEqual([ana.id, beto.id, carla.id, abel.id, zoe.id]);
  });

  it('falls back to words containing the text when no word starts with it', async () => {
    // No name word starts with "unez"; Núñez contains it.
    expect((await found('unez')).sort()).toEqual([ids.jose, ids.josefa, ids.ana].sort());
  });

  it('follows renames, merges and the document-type filter', async () => {
    const p = await createPatient(t, user, { nombres: 'Teodoro', apellidoPaterno: 'Anticona' });
    expect(await found('anticona')).toEqual([p.id]);
    const put = await t.app.inject({ method: 'PUT', url: `/api/v1/patients/${p.id}`, headers: user.headers, payload: { apellidoPaterno: 'Ayabaca' } });
    expect(put.statusCode).toBe(200);
    expect(await found('anticona')).toEqual([]);
    expect(await found('teodoro ayab')).toEqual([p.id]);
    // The word index orders namesakes by the key stored on the patient, renamed ones included.
    const stale = await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM patient_search_words w
      JOIN patients p ON p.id = w.patient_id WHERE w.sort_key IS DISTINCT FROM p.sort_key`);
    expect(stale.rows[0]!.n).toBe(0);
    const words = await t.database.db.execute<{ sort_key: string }>(sql`SELECT DISTINCT sort_key FROM patient_search_words WHERE patient_id = ${p.id}`);
    expect(words.rows).toEqual([{ sort_key: expect.stringMatching(/^ayabaca (.+ )?teodoro$/) }]);
    expect((await search('jose', '&tipoDocumento=DNI')).json().total).toBe(2);
    expect((await search('jose', '&tipoDocumento=PASAPORTE')).json()).toMatchObject({ data: [], total: 0 });
    expect((await search('nunez jose', '&tipoDocumento=DNI')).json().total).toBe(2);
    expect((await search('nunez jose', '&tipoDocumento=PASAPORTE')).json()).toMatchObject({ data: [], total: 0 });
  });

  it('reports the total on a page past the end', async () => {
    expect((await search('paginado', '&limit=10&offset=40')).json()).toMatchObject({ data: [], total: 25 });
    // Several words (the trigram step) too.
    expect((await search('paginado serie', '&limit=10&offset=20')).json()).toMatchObject({ total: 25, data: expect.arrayContaining([expect.anything()]) });
    expect((await search('paginado serie', '&limit=10&offset=40')).json()).toMatchObject({ data: [], total: 25 });
  });

  it('finds several words when one of them begins more than 64 different name words', async () => {
    // 66 first names starting with "w" ("Wab" … "Wcn"), all with the surname Olivos, and two Olivos
    // without such a name (Edwin has a "w" inside: only the fallback step would list him).
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const made = new Set<string>();
    for (let i = 0; i < 66; i++) {
      made.add((await createPatient(t, user, { nombres: `W${letters[Math.floor(i / 26)]}${letters[i % 26]}`, apellidoPaterno: 'Olivos', apellidoMaterno: null })).id);
    }
    const other = await createPatient(t, user, { nombres: 'Aurelio', apellidoPaterno: 'Olivos', apellidoMaterno: null });
    await createPatient(t, user, { nombres: 'Edwin', apellidoPaterno: 'Olivos', apellidoMaterno: null });
    const words = await t.database.db.execute<{ n: number }>(sql`SELECT count(DISTINCT word)::int AS n FROM patient_search_words WHERE word LIKE 'w%'`);
    expect(words.rows[0]!.n).toBeGreaterThan(64);
    for (const q of ['w olivos', 'olivos w']) {
      const first = (await search(q, '&limit=50')).json();
      const second = (await search(q, '&limit=50&offset=50')).json();
      expect([first.total, second.total], q).toEqual([66, 66]);
      expect(new Set([...first.data, ...second.data].map((p: { id: string }) => p.id)), q).toEqual(made);
    }
    // Words that begin few names still go through the word sets, next to a broad one or alone.
    expect(await found('olivos a')).toEqual([other.id]);
    expect((await found('wcn olivos'))).toEqual([[...made][65]]);
  });

  it('never fails on hostile input', async () => {
    for (const q of ['%', '_', '%_%', "'; DROP TABLE patients; --", '<script>alert(1)</script>', '😀 José', '\\', 'a'.repeat(200), 'o\'brien', '  ']) {
      const res = await search(q);
      expect(res.statusCode, q).toBe(200);
      expect(res.json().data.length, q).toBeLessThanOrEqual(20);
    }
    expect((await found('%'))).toEqual([]);
    expect((await search('a'.repeat(201))).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/patients?limit=1000', headers: user.headers })).statusCode).toBe(400);
    const total = (await search('jose')).json().total;
    expect(total).toBeGreaterThanOrEqual(2);
  });
});
