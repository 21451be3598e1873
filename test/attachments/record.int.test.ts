import { sql } from 'drizzle-orm';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkStorage } from '../../src/modules/attachments/storage-check.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { pdf, png, tiff, dicom, upload } from './helpers.js';

describe('attachments in the clinical record: addenda, seal, integrity, storage check', () => {
  let t: TestApp;
  let doctor: TestUser;
  let colleague: TestUser;
  let patientId: string;
  let filesDir: string;

  beforeAll(async () => {
    t = await buildTestApp();
    filesDir = join(t.dataDir, 'files');
    const asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    colleague = await createUser(t, 'MEDICO');
    patientId = (await createPatient(t, asistente)).id;
  });
  afterAll(async () => t.close());

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const objectPath = (id: string) => join(filesDir, id.slice(0, 2), id);
  const withoutLock = async (statement: ReturnType<typeof sql>) => {
    await t.database.db.execute(sql`ALTER TABLE attachments DISABLE TRIGGER attachments_lock`);
    try {
      await t.database.db.execute(statement);
    } finally {
      await t.database.db.execute(sql`ALTER TABLE attachments ENABLE TRIGGER attachments_lock`);
    }
  };

  it('seals attachments added before finalization and chains later ones as addenda', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' });
    const base = `/api/v1/medical_attentions/${att.id}`;
    const before = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'ecg.pdf', data: pdf(4000) }])).json();
    expect(before).toMatchObject({ adenda: false, addendumSeq: null, hash: null });
    await req('POST', `${base}/diagnoses`, doctor, { cie_code: 'J06.9', type: 'PRESUNTIVO' });
    const sealed = (await req('PUT', `${base}/finalize`, doctor)).json();
    expect(sealed.estado).toBe('FINALIZADA');

    const later = await upload(t, colleague, att.id, [{ name: 'fileName', value: 'Cultivo.tif' }, { name: 'file', filename: 'x', data: tiff() }]);
    expect(later.statusCode, later.body).toBe(201);
    expect(later.json()).toMatchObject({ adenda: true, addendumSeq: 1, prevHash: sealed.sealHash, hash: expect.stringMatching(/^[0-9a-f]{64}$/), uploadedBy: colleague.id });
    const evolution = (await req('POST', `${base}/evolutions`, doctor, { notas: 'Se revisa cultivo.' })).json();
    expect(evolution.prevHash).toBe(later.json().hash);
    const third = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'serie.dcm', data: dicom() }])).json();
    expect(third).toMatchObject({ addendumSeq: 3, prevHash: evolution.hash, fileType: 'application/dicom' });
    const audit = await t.database.db.execute(sql`SELECT action, actor_id, patient_id FROM audit_events WHERE entity_id IN (${before.id}, ${later.json().id}) ORDER BY id`);
    expect(audit.rows.filter((r) => String(r.action).startsWith('ATTACHMENT_'))).toEqual([
      { action: 'ATTACHMENT_UPLOADED', actor_id: doctor.id, patient_id: patientId },
      { action: 'ATTACHMENT_ADDENDUM_ADDED', actor_id: colleague.id, patient_id: patientId },
    ]);
    // TIFF and DICOM are not shown by browsers: they download.
    expect((await req('GET', later.json().urlPath, doctor)).headers['content-disposition']).toMatch(/^attachment; filename="Cultivo.tif"/);

    const verify = await req('GET', `${base}/verify`, colleague);
    expect(verify.json()).toMatchObject({
      valid: true, sealValid: true, addendaValid: true,
      addenda: [{ kind: 'attachment', id: later.json().id, seq: 1 }, { kind: 'evolution', seq: 2 }, { kind: 'attachment', id: third.id, seq: 3 }],
    });
    const detail = (await req('GET', base, colleague)).json();
    expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([before.id, later.json().id, third.id]);

    for (const id of [before.id, later.json().id]) {
      const owner = id === before.id ? doctor : colleague;
      expect((await req('DELETE', `/api/v1/attachments/${id}`, owner)).json().code).toBe('ATTENTION_FINALIZED');
    }

    // Editing a chained attachment's row, or a sealed one's, is detected.
    await withoutLock(sql`UPDATE attachments SET file_name = 'Otro.tif' WHERE id = ${later.json().id}`);
    expect((await req('GET', `${base}/verify`, doctor)).json()).toMatchObject({ valid: false, sealValid: true, addendaValid: false, brokenAt: { kind: 'attachment', id: later.json().id, seq: 1 } });
    await withoutLock(sql`UPDATE attachments SET file_name = 'Cultivo.tif' WHERE id = ${later.json().id}`);
    await withoutLock(sql`UPDATE attachments SET sha256 = ${'a'.repeat(64)} WHERE id = ${before.id}`);
    expect((await req('GET', `${base}/verify`, doctor)).json()).toMatchObject({ valid: false, sealValid: false });
  });

  it.runIf(testDbKind() === 'postgres')('never forks the addenda chain under concurrent uploads', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' });
    const base = `/api/v1/medical_attentions/${att.id}`;
    await req('POST', `${base}/diagnoses`, doctor, { cie_code: 'J06.9', type: 'PRESUNTIVO' });
    expect((await req('PUT', `${base}/finalize`, doctor)).statusCode).toBe(200);
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => upload(t, i % 2 ? doctor : colleague, att.id, [{ name: 'file', filename: `r${i}.png`, data: png() }])));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map((r) => r.json().addendumSeq).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await req('GET', `${base}/verify`, doctor)).json()).toMatchObject({ valid: true, addendaValid: true });
  });

  it('aborts a download whose stored bytes fail verification, and counts, logs and audits it', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' });
    const content = pdf(300_000);
    const file = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'a.pdf', data: content }])).json();
    const stored = readFileSync(objectPath(file.id));
    stored[150_000] = stored[150_000]! ^ 0xff;
    writeFileSync(objectPath(file.id), stored);

    const res = await req('GET', file.urlPath, doctor).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    // Either the connection is cut or the body stops short of its Content-Length: never the whole file.
    if (!(res instanceof Error)) {
      expect(res.headers['content-length']).toBe(String(content.length));
      expect(res.rawPayload.length).toBeLessThan(content.length);
    }
    await vi.waitFor(async () => {
      const audit = await t.database.db.execute(sql`SELECT outcome, patient_id, details FROM audit_events WHERE action = 'ATTACHMENT_INTEGRITY_FAILED' AND entity_id = ${file.id}`);
      expect(audit.rows).toEqual([{ outcome: 'FAILURE', patient_id: patientId, details: { reason: 'tag' } }]);
    });
    expect(t.logs.text).toContain('attachment integrity check failed');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hce_attachment_integrity_failures_total\{reason="tag"\} 1/);

    // A row whose recorded SHA-256 no longer matches the file is refused the same way.
    const other = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'b.png', data: png(200_000) }])).json();
    await withoutLock(sql`UPDATE attachments SET sha256 = ${'b'.repeat(64)} WHERE id = ${other.id}`);
    const second = await req('GET', other.urlPath, doctor).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (!(second instanceof Error)) expect(second.rawPayload.length).toBeLessThan(200_000);
    await vi.waitFor(async () => {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/hce_attachment_integrity_failures_total\{reason="sha256"\} 1/);
    });
  });

  it('lists files without rows and rows without files (storage:check), and answers 500 for a missing file', async () => {
    const att = await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' });
    const kept = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'a.png', data: png() }])).json();
    const lost = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'b.png', data: png() }])).json();
    const services = t.app.ctx.services;
    const clean = await checkStorage(t.database.db, services.storage);
    expect(clean).toMatchObject({ driver: 'local', filesWithoutRows: [], rowsWithoutFiles: [], sizeMismatches: [], temporaryFiles: [] });
    expect(clean.rowsChecked).toBeGreaterThanOrEqual(2);

    const orphanKey = 'ff/ffffffff-ffff-4fff-8fff-ffffffffffff';
    mkdirSync(join(filesDir, 'ff'), { recursive: true });
    copyFileSync(objectPath(kept.id), join(filesDir, ...orphanKey.split('/')));
    writeFileSync(join(filesDir, 'ff', '.tmp-interrupted'), 'x');
    rmSync(objectPath(lost.id));
    const report = await checkStorage(t.database.db, services.storage);
    expect(report.filesWithoutRows).toEqual([expect.objectContaining({ key: orphanKey })]);
    expect(report.rowsWithoutFiles).toEqual([{ id: lost.id, storageKey: `${lost.id.slice(0, 2)}/${lost.id}` }]);
    expect(report.temporaryFiles).toEqual([expect.objectContaining({ key: 'ff/.tmp-interrupted', size: 1 })]);

    const missing = await req('GET', lost.urlPath, doctor);
    expect(missing.statusCode).toBe(500);
    expect(missing.json()).toMatchObject({ code: 'ATTACHMENT_FILE_MISSING' });
    const audit = await t.database.db.execute(sql`SELECT details FROM audit_events WHERE action = 'ATTACHMENT_INTEGRITY_FAILED' AND entity_id = ${lost.id}`);
    expect(audit.rows).toEqual([{ details: { reason: 'missing' } }]);
  });
});
