import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink } from '../../src/modules/attachments/signed-links.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { pdf, upload } from './helpers.js';

describe('attachments: signed links', () => {
  let t: TestApp;
  let doctor: TestUser;
  let colleague: TestUser;
  let asistente: TestUser;
  let admin: TestUser;
  let patientId: string;
  let file: { id: string; signedUrl: string; urlPath: string };
  const content = pdf(40_000);

  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
    admin = await createUser(t, 'ADMIN');
    doctor = await createUser(t, 'MEDICO');
    colleague = await createUser(t, 'MEDICO');
    patientId = (await createPatient(t, asistente)).id;
    const att = await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' });
    file = (await upload(t, doctor, att.id, [{ name: 'file', filename: 'Informe ecográfico.pdf', data: content }])).json();
  });
  afterAll(async () => t.close());

  const open = (url: string) => t.app.inject({ method: 'GET', url });
  const params = (url: string) => new URL(url, 'http://x').searchParams;
  const withParams = (id: string, p: URLSearchParams) => `/api/v1/attachments/${id}/signed-content?${p.toString()}`;
  const refusals = async () => (await t.database.db.execute<{ details: { reason: string; uid?: string } }>(
    sql`SELECT details FROM audit_events WHERE action = 'ATTACHMENT_LINK_REFUSED' ORDER BY id`)).rows.map((r) => r.details);

  it('opens without headers for the user it was made for, audited as that user with the patient id', async () => {
    const res = await open(file.signedUrl);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(content)).toBe(true);
    expect(res.headers).toMatchObject({ 'content-type': 'application/pdf', 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store' });
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''Informe%20ecogr%C3%A1fico.pdf`);
    const audit = await t.database.db.execute(sql`SELECT actor_id, actor_kind, patient_id, details FROM audit_events WHERE action = 'ATTACHMENT_DOWNLOADED' AND entity_id = ${file.id}`);
    expect(audit.rows).toEqual([expect.objectContaining({ actor_id: doctor.id, actor_kind: 'signed-link', patient_id: patientId, details: expect.objectContaining({ via: 'signed-link' }) })]);
    // A link is minted for whoever lists the attachments.
    const listed = (await t.app.inject({ method: 'GET', url: `/api/v1/medical_attentions/${(await t.database.db.execute(sql`SELECT attention_id FROM attachments WHERE id = ${file.id}`)).rows[0]!.attention_id}/attachments`, headers: colleague.headers })).json();
    expect(params(listed.data[0].signedUrl).get('uid')).toBe(colleague.id);
    expect((await open(listed.data[0].signedUrl)).statusCode).toBe(200);
  });

  it('refuses tampered, re-bound, re-targeted and malformed links with 403', async () => {
    const good = params(file.signedUrl);
    const sig = good.get('sig')!;
    const tampered = new URLSearchParams(good);
    tampered.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    const extended = new URLSearchParams(good);
    extended.set('exp', String(Number(good.get('exp')) + 3600));
    const otherUser = new URLSearchParams(good);
    otherUser.set('uid', colleague.id);
    const other = (await upload(t, doctor, (await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' })).id, [{ name: 'file', filename: 'b.pdf', data: pdf(2000) }])).json();
    const cases = [withParams(file.id, tampered), withParams(file.id, extended), withParams(file.id, otherUser), withParams(other.id, good),
      `/api/v1/attachments/${file.id}/signed-content`, `/api/v1/attachments/${file.id}/signed-content?exp=abc&uid=x&sig=y`];
    for (const url of cases) {
      const res = await open(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().code, url).toBe('SIGNED_URL_INVALID');
    }
    // The bearer route is not opened by a signature either.
    expect((await open(`${file.urlPath}?${good.toString()}`)).statusCode).toBe(401);
    expect((await refusals()).slice(-cases.length).map((d) => d.reason)).toEqual(['signature', 'signature', 'signature', 'signature', 'malformed', 'malformed']);
  });

  it('refuses expired links', async () => {
    const keyring = t.app.ctx.services.keyring;
    const expired = signLink(keyring, file.id, doctor.id, 300, Date.now() - 301_000);
    const res = await open(expired.url);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('SIGNED_URL_EXPIRED');
    const fresh = signLink(keyring, file.id, doctor.id, 300, Date.now() - 200_000);
    expect((await open(fresh.url)).statusCode).toBe(200);
  });

  it('refuses links of users since deactivated, or whose role cannot read the record', async () => {
    const leaving = await createUser(t, 'MEDICO');
    const link = signLink(t.app.ctx.services.keyring, file.id, leaving.id, 300);
    expect((await open(link.url)).statusCode).toBe(200);
    const off = await t.app.inject({ method: 'PUT', url: `/api/v1/users/${leaving.id}`, headers: admin.headers, payload: { isActive: false } });
    expect(off.statusCode, off.body).toBe(200);
    const res = await open(link.url);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('SIGNED_URL_REVOKED');
    expect((await refusals()).at(-1)).toEqual({ reason: 'user', uid: leaving.id });
    const assistantLink = signLink(t.app.ctx.services.keyring, file.id, asistente.id, 300);
    expect((await open(assistantLink.url)).json().code).toBe('SIGNED_URL_REVOKED');
  });
});
