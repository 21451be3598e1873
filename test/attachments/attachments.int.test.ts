import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { exe, filesUnder, jpeg, pdf, png, sha256, upload } from './helpers.js';

const MAX = 8 * 1024 * 1024;

describe('attachments: upload, list, download', () => {
  let t: TestApp;
  let doctor: TestUser;
  let colleague: TestUser;
  let asistente: TestUser;
  let admin: TestUser;
  let patientId: string;
  let filesDir: string;

  beforeAll(async () => {
    t = await buildTestApp({ env: { ATTACHMENT_MAX_BYTES: String(MAX) } });
    filesDir = join(t.dataDir, 'files');
    asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    colleague = await createUser(t, 'MEDICO');
    admin = await createUser(t, 'ADMIN');
    patientId = (await createPatient(t, asistente)).id;
  });
  afterAll(async () => t.close());

  const attention = async () => (await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' })).id;
  const get = (url: string, user: TestUser) => t.app.inject({ method: 'GET', url, headers: user.headers });
  const auditRows = async (action: string, entityId: string) =>
    (await t.database.db.execute<{ actor_id: string; patient_id: string; outcome: string; details: Record<string, unknown> }>(
      sql`SELECT actor_id, patient_id, outcome, details FROM audit_events WHERE action = ${action} AND (entity_id = ${entityId} OR details->>'attention_id' = ${entityId}) ORDER BY id`)).rows;

  it('round-trips a several-MB file byte for byte, stored encrypted, listed and audited', async () => {
    const attentionId = await attention();
    const content = pdf(5 * 1024 * 1024 + 123);
    const res = await upload(t, doctor, attentionId, [
      { name: 'fileName', value: 'Hemograma completo.pdf' }, { name: 'fileType', value: 'application/pdf' },
      { name: 'description', value: 'Resultado de laboratorio' },
      { name: 'file', filename: 'scan.pdf', contentType: 'application/pdf', data: content },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      attachment_id: created.id, attention_id: attentionId, fileName: 'Hemograma completo.pdf', fileType: 'application/pdf',
      description: 'Resultado de laboratorio', size: content.length, sha256: sha256(content), uploadedBy: doctor.id, adenda: false,
      urlPath: `/api/v1/attachments/${created.id}/content`,
    });
    expect(created.signedUrl).toMatch(new RegExp(`^/api/v1/attachments/${created.id}/signed-content\\?exp=\\d+&uid=${doctor.id}&sig=[\\w-]+$`));

    const download = await get(created.urlPath, colleague);
    expect(download.statusCode).toBe(200);
    expect(download.headers).toMatchObject({
      'content-type': 'application/pdf', 'content-length': String(content.length), 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store',
      'content-disposition': `inline; filename="Hemograma completo.pdf"; filename*=UTF-8''Hemograma%20completo.pdf`,
    });
    expect(download.rawPayload.equals(content)).toBe(true);
    expect((await get(`${created.urlPath}?descargar=true`, doctor)).headers['content-disposition']).toMatch(/^attachment;/);

    // On disk: one object, named by id, ciphertext only (no PDF header, no run of the plaintext).
    const stored = filesUnder(filesDir).filter((f) => f.path.endsWith(created.id));
    expect(stored).toEqual([{ path: `${created.id.slice(0, 2)}/${created.id}`, size: content.length + 33 }]);
    const raw = readFileSync(join(filesDir, stored[0]!.path));
    expect(raw.subarray(0, 4).toString()).toBe('HCEF');
    expect(raw.includes(content.subarray(0, 5))).toBe(false);
    expect(raw.includes(content.subarray(2_000_000, 2_000_064))).toBe(false);

    const list = await get(`/api/v1/medical_attentions/${attentionId}/attachments`, colleague);
    expect(list.json()).toMatchObject({ total: 1, data: [{ id: created.id, sha256: created.sha256, size: content.length, uploadedBy: doctor.id, urlPath: created.urlPath }] });
    expect(list.json().data[0].signedUrl).toContain(`uid=${colleague.id}`);
    const detail = await get(`/api/v1/medical_attentions/${attentionId}`, colleague);
    expect(detail.json().attachments).toEqual([expect.objectContaining({ id: created.id, fileName: 'Hemograma completo.pdf', sha256: created.sha256, urlPath: created.urlPath })]);

    const [uploaded] = await auditRows('ATTACHMENT_UPLOADED', created.id);
    expect(uploaded).toMatchObject({ actor_id: doctor.id, patient_id: patientId, details: { attention_id: attentionId, size: content.length, fileType: 'application/pdf' } });
    expect(JSON.stringify(uploaded!.details)).not.toContain('Hemograma');
    const downloads = await auditRows('ATTACHMENT_DOWNLOADED', created.id);
    expect(downloads.map((d) => [d.actor_id, d.patient_id, d.details.via])).toEqual([[colleague.id, patientId, 'token'], [doctor.id, patientId, 'token']]);
    expect((await auditRows('ATTACHMENT_LIST', attentionId))[0]).toMatchObject({ actor_id: colleague.id, patient_id: patientId });
  });

  it('accepts the fields after the file, keeps accents and names images and text by their content', async () => {
    const attentionId = await attention();
    const image = jpeg();
    const res = await upload(t, doctor, attentionId, [
      { name: 'file', filename: 'IMG_0001.JPG', contentType: 'image/jpeg', data: image },
      { name: 'fileName', value: 'Radiografía de tórax.jpg' }, { name: 'description', value: 'Proyección PA' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ fileName: 'Radiografía de tórax.jpg', fileType: 'image/jpeg', description: 'Proyección PA', sha256: sha256(image) });
    const download = await get(res.json().urlPath, doctor);
    expect(download.headers['content-disposition']).toBe(`inline; filename="Radiografia de torax.jpg"; filename*=UTF-8''Radiograf%C3%ADa%20de%20t%C3%B3rax.jpg`);
    expect(download.rawPayload.equals(image)).toBe(true);

    const note = Buffer.from('Glucosa: 95 mg/dL\nÚrea: 30 mg/dL\n');
    const text = await upload(t, doctor, attentionId, [{ name: 'file', filename: 'informe', contentType: 'text/plain', data: note }]);
    expect(text.json()).toMatchObject({ fileName: 'informe.txt', fileType: 'text/plain' });
    expect((await get(text.json().urlPath, doctor)).headers['content-type']).toBe('text/plain; charset=utf-8');
    const html = await upload(t, doctor, attentionId, [{ name: 'file', filename: 'resultado.html', data: pdf(3000) }]);
    expect(html.json()).toMatchObject({ fileName: 'resultado.html.pdf', fileType: 'application/pdf' });
  });

  it('strips path parts and control characters from file names', async () => {
    const attentionId = await attention();
    const cases: [string, Buffer, string][] = [
      ['../../etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/bash\n'), 'passwd.txt'],
      ['C:\\x\\y.pdf', pdf(2000), 'y.pdf'],
      ['..\\..\\windows\\system.ini', Buffer.from('[drivers]\n'), 'system.ini.txt'],
      ['res\u202Efdp.exe\u0007 ', pdf(2000), 'resfdp.exe.pdf'],
    ];
    for (const [name, data, expected] of cases) {
      const res = await upload(t, doctor, attentionId, [{ name: 'fileName', value: name }, { name: 'file', filename: 'x', data }]);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      expect(res.json().fileName).toBe(expected);
    }
    const fromPart = await upload(t, doctor, attentionId, [{ name: 'file', filename: '../../../tmp/evil.png', contentType: 'image/png', data: png() }]);
    expect(fromPart.json().fileName).toBe('evil.png');
    expect(filesUnder(t.dataDir).some((f) => /passwd|evil|system\.ini|y\.pdf/.test(f.path))).toBe(false);
    const dots = await upload(t, doctor, attentionId, [{ name: 'fileName', value: '../..' }, { name: 'file', data: pdf(2000) }]);
    expect(dots.statusCode).toBe(400);
    expect(dots.json().errors).toEqual([{ path: 'fileName', message: expect.any(String) }]);
  });

  it('refuses files over the limit with 413 and leaves nothing stored', async () => {
    const attentionId = await attention();
    const before = filesUnder(filesDir).length;
    const res = await upload(t, doctor, attentionId, [{ name: 'file', filename: 'grande.pdf', data: pdf(MAX + 1) }, { name: 'fileName', value: 'grande.pdf' }]);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', detail: expect.stringContaining('8 MB') });
    expect(filesUnder(filesDir).length).toBe(before);
    expect((await get(`/api/v1/medical_attentions/${attentionId}/attachments`, doctor)).json().total).toBe(0);
  });

  it('decides the type by content: 415 for unknown content and for claims that contradict it', async () => {
    const attentionId = await attention();
    const before = filesUnder(filesDir).length;
    const refused: [string, Parameters<typeof upload>[3], number, string, string][] = [
      ['exe renamed .pdf', [{ name: 'file', filename: 'resultado.pdf', contentType: 'application/pdf', data: exe() }], 415, 'UNSUPPORTED_FILE_TYPE', 'file'],
      ['PNG claimed as PDF', [{ name: 'fileType', value: 'application/pdf' }, { name: 'file', filename: 'a', data: png() }], 415, 'FILE_TYPE_MISMATCH', 'fileType'],
      ['PNG named .pdf', [{ name: 'file', filename: 'informe.pdf', data: png() }], 415, 'FILE_TYPE_MISMATCH', 'fileName'],
      ['PNG sent as JPEG', [{ name: 'file', filename: 'foto', contentType: 'image/jpeg', data: png() }], 415, 'FILE_TYPE_MISMATCH', 'file'],
      ['PDF claimed as executable', [{ name: 'file', filename: 'a.pdf', data: pdf(1000) }, { name: 'fileType', value: 'application/x-msdownload' }], 415, 'FILE_TYPE_MISMATCH', 'fileType'],
      ['ZIP', [{ name: 'file', filename: 'a.zip', data: Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.alloc(100)]) }], 415, 'UNSUPPORTED_FILE_TYPE', 'file'],
      ['empty', [{ name: 'file', filename: 'vacio.txt', data: Buffer.alloc(0) }], 400, 'VALIDATION_ERROR', 'file'],
      ['no file', [{ name: 'fileName', value: 'a.pdf' }], 400, 'VALIDATION_ERROR', 'file'],
      ['unknown field', [{ name: 'paciente', value: 'x' }, { name: 'file', data: pdf(1000) }], 400, 'VALIDATION_ERROR', 'paciente'],
    ];
    for (const [label, parts, status, code, path] of refused) {
      const res = await upload(t, doctor, attentionId, parts);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      expect(res.json(), label).toMatchObject({ code, errors: [expect.objectContaining({ path })] });
    }
    const json = await t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/attachments`, headers: doctor.headers, payload: { fileName: 'a.pdf' } });
    expect(json.statusCode).toBe(415);
    expect(filesUnder(filesDir).length).toBe(before);
    expect((await get(`/api/v1/medical_attentions/${attentionId}/attachments`, doctor)).json().total).toBe(0);
  });

  it('lets any doctor attach, and refuses other roles and unknown attentions', async () => {
    const attentionId = await attention();
    expect((await upload(t, colleague, attentionId, [{ name: 'file', filename: 'a.png', data: png() }])).statusCode).toBe(201);
    for (const user of [asistente, admin]) {
      const res = await upload(t, user, attentionId, [{ name: 'file', filename: 'a.png', data: png() }]);
      expect(res.statusCode).toBe(403);
      expect((await get(`/api/v1/medical_attentions/${attentionId}/attachments`, user)).statusCode).toBe(403);
    }
    const unknown = await upload(t, doctor, '00000000-0000-4000-8000-000000000000', [{ name: 'file', filename: 'a.png', data: png() }]);
    expect(unknown.json().code).toBe('ATTENTION_NOT_FOUND');
  });

  it('soft-deletes only by its uploader while the attention is open, keeping row and file', async () => {
    const attentionId = await attention();
    const mine = (await upload(t, doctor, attentionId, [{ name: 'file', filename: 'a.png', data: png() }])).json();
    const del = (user: TestUser, id: string, q = '') => t.app.inject({ method: 'DELETE', url: `/api/v1/attachments/${id}${q}`, headers: user.headers });
    expect((await del(colleague, mine.id)).json().code).toBe('NOT_UPLOADER');
    expect((await del(doctor, mine.id, '?motivo=Paciente%20equivocado')).statusCode).toBe(204);
    expect((await del(doctor, mine.id)).json().code).toBe('ALREADY_DELETED');
    expect((await get(`/api/v1/medical_attentions/${attentionId}/attachments`, doctor)).json().total).toBe(0);
    const all = (await get(`/api/v1/medical_attentions/${attentionId}/attachments?incluirEliminados=true`, doctor)).json();
    expect(all.data[0]).toMatchObject({ id: mine.id, deletedBy: doctor.id, motivoEliminacion: 'Paciente equivocado', deletedAt: expect.any(String) });
    expect((await get(mine.urlPath, doctor)).statusCode).toBe(410);
    expect((await get(`${mine.urlPath}?incluirEliminados=true`, doctor)).statusCode).toBe(200);
    expect((await auditRows('ATTACHMENT_DELETED', mine.id))[0]).toMatchObject({ actor_id: doctor.id, patient_id: patientId, details: { motivo: 'Paciente equivocado' } });
    await expect(t.database.db.execute(sql`DELETE FROM attachments WHERE id = ${mine.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`UPDATE attachments SET sha256 = ${'0'.repeat(64)} WHERE id = ${mine.id}`)).rejects.toThrow();
    expect(filesUnder(filesDir).some((f) => f.path.endsWith(mine.id))).toBe(true);
  });

  it('removes the stored object when the database row cannot be written', async () => {
    const attentionId = await attention();
    await t.database.db.execute(sql`ALTER TABLE attachments ADD CONSTRAINT test_refuse CHECK (description IS DISTINCT FROM 'rechazar')`);
    try {
      const before = filesUnder(filesDir).length;
      const res = await upload(t, doctor, attentionId, [{ name: 'description', value: 'rechazar' }, { name: 'file', filename: 'a.png', data: png() }]);
      expect(res.statusCode).toBe(500);
      expect(filesUnder(filesDir).length).toBe(before);
    } finally {
      await t.database.db.execute(sql`ALTER TABLE attachments DROP CONSTRAINT test_refuse`);
    }
  });
});
