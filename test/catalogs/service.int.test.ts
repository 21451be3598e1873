import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogs } from '../../src/modules/catalogs/catalogs.seed.js';
import type { CatalogsService } from '../../src/modules/catalogs/catalogs.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/** What the clinical-record module relies on: code normalisation and catalog lookups. */
describe('CatalogsService (used by other modules)', () => {
  let t: TestApp;
  let catalogs: CatalogsService;
  beforeAll(async () => {
    t = await buildTestApp();
    catalogs = t.app.ctx.services.catalogs;
  });
  afterAll(async () => t.close());

  it('normalises CIE-10 codes to dotted upper case and refuses malformed ones', () => {
    expect(catalogs.normalizeCieCode('j069')).toBe('J06.9');
    expect(catalogs.normalizeCieCode('J06.9')).toBe('J06.9');
    expect(catalogs.normalizeCieCode(' a97 ')).toBe('A97');
    expect(catalogs.normalizeCieCode('a970')).toBe('A97.0');
    for (const bad of ['', 'J0', 'J0.69', '069', 'JJ06', 'J06.999', 'J06..9']) expect(catalogs.normalizeCieCode(bad), bad).toBeUndefined();
  });

  it('finds diagnoses, medicines and procedures', async () => {
    const db = t.database.db;
    expect(await catalogs.getDiagnosis(db, 'a970')).toMatchObject({ codigo: 'A97.0', descripcion: 'Dengue sin signos de alarma' });
    expect(await catalogs.getDiagnosis(db, 'Z99.99')).toBeUndefined();
    expect(await catalogs.getDiagnosis(db, 'no es código')).toBeUndefined();
    const med = (await catalogs.searchMedications({ search: 'losartan', limit: 1, offset: 0 })).data[0]!;
    expect(await catalogs.getMedication(db, med.id)).toMatchObject({ dci: med.dci, codigoAtc: 'C09CA01' });
    expect(await catalogs.getMedication(db, 'no-es-uuid')).toBeUndefined();
    expect(await catalogs.getProcedure(db, '85025')).toMatchObject({ tipo: 'LABORATORIO' });
    const withoutCode = (await catalogs.searchProcedures({ tipo: 'INTERCONSULTA', limit: 1, offset: 0 })).data[0]!;
    expect(await catalogs.getProcedure(db, withoutCode.id)).toEqual(withoutCode);
  });

  it('matches notifiable diseases by exact code or by 3-character category', async () => {
    const db = t.database.db;
    expect(await catalogs.notifiableMatch(db, 'A97.0')).toMatchObject({ codigo: 'DENGUE_SIN_SIGNOS', periodicidad: 'INMEDIATA' });
    expect(await catalogs.notifiableMatch(db, 'a972')).toMatchObject({ codigo: 'DENGUE_GRAVE' });
    expect(await catalogs.notifiableMatch(db, 'A27.0')).toMatchObject({ codigo: 'LEPTOSPIROSIS' });
    expect(await catalogs.notifiableMatch(db, 'B24')).toMatchObject({ periodicidad: 'SEMANAL' });
    expect(await catalogs.notifiableMatch(db, 'J06.9')).toBeUndefined();
    expect(await catalogs.notifiableMatch(db, 'basura')).toBeUndefined();
  });

  it('checks a prescription against allergies with the stored allergen groups', async () => {
    const db = t.database.db;
    const amoxicilina = (await catalogs.searchMedications({ search: 'amoxicilina', limit: 1, offset: 0 })).data[0]!;
    const alerts = await catalogs.prescriptionAlerts(db, {
      medicamentoId: amoxicilina.id,
      alergias: [{ alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' }],
      medicacionActual: ['Amoxicilina 500 mg c/8 h'],
    });
    expect(alerts.map((a) => [a.tipo, a.severidad])).toEqual([['ALERGIA', 'GRAVE'], ['DUPLICIDAD', 'MODERADA']]);
    const groups = await catalogs.allergenGroups(db);
    expect(await catalogs.allergenGroups(db)).toBe(groups);
  });

  it('seeds idempotently: a second run over the seeded database changes nothing', async () => {
    const summary = await seedCatalogs(t.database.db);
    for (const [catalog, counts] of Object.entries(summary.catalogs)) {
      expect(counts, catalog).toMatchObject({ insertados: 0, actualizados: 0 });
      expect(counts.sinCambios, catalog).toBe(counts.filas);
    }
    expect(summary).toMatchObject({ notifiableDiseases: 0, templatesAdded: 0 });
  });
});
