import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';
import { multipartFile, XLSX_TYPE } from './helpers.js';

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Catalogo');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const DIGEMID_HEADER = ['Cod_Prod', 'Num_RegSan', 'Nom_Prod', 'Nom_IFA', 'Concent', 'Nom_Form_Farm', 'Presentac', 'Fracción', 'Nom_Titular', 'Nom_Fabricante', 'Situación'];

describe('catalog import (ADMIN)', () => {
  let t: TestApp;
  let admin: TestUser;
  let medico: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createUser(t, 'ADMIN');
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => t.close());

  const importJson = (catalog: string, payload: unknown, user = admin) =>
    t.app.inject({ method: 'POST', url: `/api/v1/catalogs/${catalog}/import`, headers: user.headers, payload: payload as object });
  const importFile = (catalog: string, content: Buffer | string, filename: string, type: string) => {
    const { payload, headers } = multipartFile(content, filename, type);
    return t.app.inject({ method: 'POST', url: `/api/v1/catalogs/${catalog}/import`, headers: { ...admin.headers, ...headers }, payload });
  };
  const scalar = async (query: ReturnType<typeof sql>) => (await t.database.db.execute<{ v: unknown }>(query)).rows[0]?.v;

  it('imports good JSON rows, upserting by code, and audits the import', async () => {
    const rows = [
      { sistema: 'CIE-11', codigo: '1D2Z', descripcion: 'Dengue, sin especificación' },
      { sistema: 'CIE-11', codigo: '1D20', descripcion: 'Dengue sin signos de alarma' },
      { codigo: 'j069', descripcion: 'Infección aguda de las vías respiratorias superiores, no especificada' },
      { codigo: 'A97.0', descripcion: 'Dengue sin signos de alarma (DSSA)' },
    ];
    const res = await importJson('diagnoses', rows);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ catalogo: 'diagnoses', formato: 'json', filas: 4, insertados: 2, actualizados: 1, sinCambios: 1, errores: [] });
    const search = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/diagnoses?sistema=cie-11&search=dengue', headers: medico.headers });
    expect(search.json().data.map((d: { codigo: string }) => d.codigo).sort()).toEqual(['1D20', '1D2Z']);
    expect(await scalar(sql`SELECT descripcion AS v FROM diagnoses WHERE codigo = 'A97.0'`)).toBe('Dengue sin signos de alarma (DSSA)');
    // A CIE-10 code gets its chapter and block even when the file omits them.
    expect(await scalar(sql`SELECT grupo AS v FROM diagnoses WHERE codigo = 'A97.0'`)).toBe('A90-A99');
    const audit = await t.database.db.execute<{ details: Record<string, unknown>; actor_id: string }>(
      sql`SELECT details, actor_id FROM audit_events WHERE action = 'CATALOG_IMPORTED' AND entity_id = 'diagnoses'`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor_id: admin.id, details: { insertados: 2, actualizados: 1, sinCambios: 1 } });

    const again = await importJson('diagnoses', rows);
    expect(again.json()).toMatchObject({ insertados: 0, actualizados: 0, sinCambios: 4 });
  });

  it('rejects a file with bad rows, names each row and field, and writes nothing', async () => {
    const before = await scalar(sql`SELECT count(*)::int AS v FROM procedures`);
    const res = await importJson('procedures', [
      { codigo: '99999', nombre: 'Procedimiento nuevo válido', tipo: 'PROCEDIMIENTO' },
      { codigo: '85025', nombre: '', tipo: 'LABORATORIO' },
      { nombre: 'Ecografía rara', tipo: 'RAYOS' },
      'no soy un objeto',
      { codigo: '99999', nombre: 'Repetido', tipo: 'PROCEDIMIENTO' },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ code: 'IMPORT_ROWS_INVALID', insertados: 0, actualizados: 0, sinCambios: 0, totalErrores: 4 });
    expect(body.errores).toEqual([
      { fila: 2, campo: 'nombre', mensaje: 'Es obligatorio.' },
      { fila: 3, campo: 'tipo', mensaje: expect.stringMatching(/^Tipo inválido/) },
      { fila: 4, campo: '(fila)', mensaje: expect.any(String) },
      { fila: 5, campo: 'codigo', mensaje: 'Repite la fila 1 (mismo código o mismo medicamento/procedimiento).' },
    ]);
    expect(body.errors[0]).toEqual({ path: 'filas[2].nombre', message: 'Es obligatorio.' });
    expect(await scalar(sql`SELECT count(*)::int AS v FROM procedures`)).toBe(before);
    expect(await scalar(sql`SELECT count(*)::int AS v FROM audit_events WHERE action = 'CATALOG_IMPORT_REJECTED' AND outcome = 'FAILURE'`)).toBe(1);
  });

  it('imports a semicolon CSV (as Excel writes it), reporting bad lines by line number', async () => {
    const header = 'dci;concentracion;formaFarmaceutica;via;codigoAtc;grupoTerapeutico;petitorio;controlado';
    const bad = [header, 'Levamisol;150 mg;Tableta;Oral;P02CE01;Derivados del imidazotiazol;no;no', '', 'Pirantel;250 mg;Tableta;Oral;P02CC1;Derivados de la tetrahidropirimidina;sí;no'].join('\r\n');
    const rejected = await importFile('medications', bad, 'medicamentos.csv', 'text/csv');
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().errores).toEqual([{ fila: 4, campo: 'codigoAtc', mensaje: "Código ATC inválido: 'P02CC1' (formato A01BC23)." }]);
    expect(await scalar(sql`SELECT count(*)::int AS v FROM medications WHERE dci IN ('Levamisol', 'Pirantel')`)).toBe(0);

    const good = bad.replace('P02CC1', 'P02CC01');
    const res = await importFile('medications', good, 'medicamentos.csv', 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ formato: 'csv', filas: 2, insertados: 2 });
    const found = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/medications?search=pirantel', headers: medico.headers });
    expect(found.json().data[0]).toMatchObject({ dci: 'Pirantel', codigoAtc: 'P02CC01', petitorio: true, controlado: false, activo: true });
    expect((await importFile('medications', good, 'medicamentos.csv', 'text/csv')).json()).toMatchObject({ insertados: 0, sinCambios: 2 });
  });

  it('imports an XLSX file whose header sits under a title row', async () => {
    const file = await xlsx([
      ['Catálogo de procedimientos de la clínica — 2026'],
      ['Código CPMS', 'Nombre', 'Tipo', 'Especialidad'],
      ['99998', 'Prueba de esfuerzo en banda (protocolo Bruce)', 'Procedimientos', 'Cardiología'],
      [null, 'Interconsulta a Medicina Física', 'Interconsulta', 'Medicina Física y Rehabilitación'],
      [76700, 'Ecografía abdominal completa', 'Imágenes', 'Radiología'],
    ]);
    const res = await importFile('procedures', file, 'procedimientos.xlsx', XLSX_TYPE);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ formato: 'xlsx', filas: 3, insertados: 2 });
    const found = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs/procedures?search=bruce', headers: medico.headers });
    expect(found.json().data[0]).toMatchObject({ codigo: '99998', tipo: 'PROCEDIMIENTO', especialidad: 'Cardiología' });

    const broken = await xlsx([['Código CPMS', 'Nombre', 'Tipo'], ['12345', 'Sin tipo', null], ['12346', 'Con tipo', 'LABORATORIO']]);
    const rejected = await importFile('procedures', broken, 'p.xlsx', XLSX_TYPE);
    expect(rejected.statusCode).toBe(422);
    // Errors name the column as the file spells it.
    expect(rejected.json().errores).toEqual([{ fila: 2, campo: 'Tipo', mensaje: 'Es obligatorio.' }]);
  });

  it("accepts DIGEMID's Catálogo de Productos Farmacéuticos layout, in CSV (Windows-1252) and XLSX", async () => {
    const rows = [
      ['13579', 'EE-01234', 'AMOXIL', 'AMOXICILINA', '500 mg', 'TABLETA', 'Caja x 100', '10', 'LAB TITULAR SAC', 'FABRICANTE SA', 'ACT'],
      ['24680', 'N-98765', 'FARMACO NUEVO', 'DESCONOCIDINA', '10 mg', 'TABLETA', 'Caja x 30', '1', 'TITULAR', 'FABRICANTE', 'CAN'],
    ];
    const csv = Buffer.from([DIGEMID_HEADER.join(','), ...rows.map((r) => r.join(','))].join('\n'), 'latin1');
    const res = await importFile('medications', csv, 'catalogo-digemid.csv', 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ insertados: 2 });
    const amoxil = (await t.database.db.execute<Record<string, unknown>>(sql`SELECT * FROM medications WHERE codigo_digemid = '13579'`)).rows[0];
    // ATC, class and controlled status come from the catalog's own AMOXICILINA rows.
    expect(amoxil).toMatchObject({ dci: 'AMOXICILINA', registro_sanitario: 'EE-01234', nombre_comercial: 'AMOXIL', concentracion: '500 mg',
      forma_farmaceutica: 'TABLETA', codigo_atc: 'J01CA04', titular: 'LAB TITULAR SAC', activo: true });
    const unknown = (await t.database.db.execute<Record<string, unknown>>(sql`SELECT * FROM medications WHERE codigo_digemid = '24680'`)).rows[0];
    expect(unknown).toMatchObject({ codigo_atc: null, activo: false });

    // The next published list: a new sanitary registration; the ATC set in between is kept.
    await t.database.db.execute(sql`UPDATE medications SET codigo_atc = 'A01AA01' WHERE codigo_digemid = '24680'`);
    const file = await xlsx([DIGEMID_HEADER, ['13579', 'EE-05555', 'AMOXIL', 'AMOXICILINA', '500 mg', 'TABLETA', 'Caja x 100', 10, 'LAB TITULAR SAC', 'FABRICANTE SA', 'ACT'], rows[1]!]);
    const again = await importFile('medications', file, 'catalogo-digemid.xlsx', XLSX_TYPE);
    expect(again.json()).toMatchObject({ formato: 'xlsx', insertados: 0, actualizados: 1, sinCambios: 1 });
    expect(await scalar(sql`SELECT registro_sanitario AS v FROM medications WHERE codigo_digemid = '13579'`)).toBe('EE-05555');
    expect(await scalar(sql`SELECT codigo_atc AS v FROM medications WHERE codigo_digemid = '24680'`)).toBe('A01AA01');

    const unknownStatus = await importFile('medications', Buffer.from(`${DIGEMID_HEADER.join(';')}\n1;R;P;IFA;1 mg;TABLETA;C;1;T;F;XYZ\n`, 'latin1'), 'd.csv', 'text/csv');
    expect(unknownStatus.json().errores).toEqual([{ fila: 2, campo: 'Situación', mensaje: "Valor 'XYZ' no es sí/no." }]);
  });

  it('checks references between allergen groups and refreshes the cached groups', async () => {
    const bad = await importJson('allergens', [{ codigo: 'ANTIPALUDICOS', nombre: 'Antipalúdicos', sinonimos: ['cloroquina'], atcPrefijos: ['P01B'], reactividadCruzada: [{ grupo: 'NO_EXISTE', severidad: 'LEVE', nota: 'x' }] }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errores[0]).toMatchObject({ fila: 1, campo: 'reactividadCruzada' });
    expect((await t.app.ctx.services.catalogs.allergenGroups()).some((g) => g.codigo === 'ANTIPALUDICOS')).toBe(false);
    const csv = 'codigo,nombre,sinonimos,atcPrefijos,reactividadCruzada\nantipaludicos,Antipalúdicos,cloroquina;quinina,P01B,"[{""grupo"":""AINES"",""severidad"":""LEVE"",""nota"":""solo prueba""}]"\n';
    const res = await importFile('allergens', csv, 'grupos.csv', 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    const groups = await t.app.ctx.services.catalogs.allergenGroups();
    expect(groups.find((g) => g.codigo === 'ANTIPALUDICOS')).toMatchObject({ sinonimos: ['cloroquina', 'quinina'], atcPrefijos: ['P01B'], reactividadCruzada: [{ grupo: 'AINES', severidad: 'LEVE', nota: 'solo prueba' }] });
  });

  it('is for ADMIN only, and refuses malformed requests with problem+json naming the field', async () => {
    expect((await importJson('diagnoses', [{ codigo: 'A00', descripcion: 'x' }], medico)).statusCode).toBe(403);
    const notArray = await importJson('diagnoses', { codigo: 'A00' });
    expect(notArray.statusCode).toBe(400);
    const unknownCatalog = await importJson('vacunas', []);
    expect(unknownCatalog.statusCode).toBe(400);
    expect(unknownCatalog.json().errors[0].path).toBe('catalog');
    const empty = await importJson('diagnoses', []);
    expect(empty.statusCode).toBe(422);
    const { payload, headers } = multipartFile('x', 'a.csv', 'text/csv', 'archivo');
    const wrongField = await t.app.inject({ method: 'POST', url: '/api/v1/catalogs/diagnoses/import', headers: { ...admin.headers, ...headers }, payload });
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json().errors[0].path).toBe('file');
    const noColumns = await importFile('diagnoses', 'foo,bar\n1,2\n', 'x.csv', 'text/csv');
    expect(noColumns.statusCode).toBe(400);
    expect(noColumns.json().errors[0]).toMatchObject({ path: 'file', message: expect.stringMatching(/columna/) });
    const xls = await importFile('diagnoses', 'abc', 'viejo.xls', 'application/vnd.ms-excel');
    expect(xls.statusCode).toBe(400);
  });
});
