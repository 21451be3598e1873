import { sql } from 'drizzle-orm';
import { compactVerify, importX509 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rucCheckDigit } from '../../src/modules/patients/documents.js';
import { ageInYears, todayInLima } from '../../src/shared/time.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { clinicalAttention, req } from './fixtures.js';
import { checkPdfSignature, makeCertificate, pdfText, type TestCertificate } from './pdf-tools.js';

const RUC = `2060123456${rucCheckDigit('2060123456')}`;
const dmy = (iso: string) => iso.split('-').reverse().join('/');
const plusDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const codeOf = (text: string) => /Código de verificación ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1];

describe('printed formats, signed with a certificate', () => {
  let t: TestApp;
  let cert: TestCertificate;
  let doctor: TestUser;
  let colleague: TestUser;
  let asistente: TestUser;
  let admin: TestUser;
  let patient: Awaited<ReturnType<typeof createPatient>>;
  let attention: Awaited<ReturnType<typeof clinicalAttention>>;

  beforeAll(async () => {
    cert = makeCertificate('/C=PE/O=Clínica San Miguel/CN=Clínica San Miguel - Firma HCE');
    t = await buildTestApp({
      env: {
        SIGNING_CERT_FILE: cert.certFile, SIGNING_KEY_FILE: cert.keyFile, CLINIC_NAME: 'Clínica San Miguel de Piura', CLINIC_RUC: RUC,
        CLINIC_ADDRESS: 'Av. Sánchez Cerro 1234, Piura', CLINIC_PHONE: '(073) 321654', PUBLIC_BASE_URL: 'https://hce.clinica.pe/',
        RECETA_VALIDEZ_DIAS: '15', RATE_LIMIT_VERIFY_PER_IP: '5',
      },
    });
    asistente = await createUser(t, 'ASISTENTE');
    admin = await createUser(t, 'ADMIN');
    doctor = await createUser(t, 'MEDICO', { nombres: 'Íñigo', apellidoPaterno: 'Peña', apellidoMaterno: 'Ñique', cmp: '045678' });
    colleague = await createUser(t, 'MEDICO');
    patient = await createPatient(t, asistente);
    attention = await clinicalAttention(t, doctor, patient.id);
  });
  afterAll(async () => t.close());

  it('prints the receta: clinic header, patient, validity, each medicine by DCI, the controlled one left out with a note', async () => {
    const res = await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/receta.pdf`, colleague);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    const text = await pdfText(res.rawPayload);
    const today = todayInLima();
    for (const expected of [
      'Clínica San Miguel de Piura', `RUC ${RUC}`, 'Av. Sánchez Cerro 1234, Piura', 'Teléfono (073) 321654', 'RECETA MÉDICA',
      'Paciente: José Luis Núñez Chávez', `Historia clínica: ${patient.numeroHistoriaClinica}`, `Documento: DNI ${patient.numeroDocumento}`,
      `Edad: ${ageInYears('1985-04-12', today)} años`, `Fecha: ${dmy(today)}`, `Válida hasta: ${dmy(plusDays(today, 15))} (15 días)`,
      '1. Paracetamol 500 mg — Tableta', 'Dosis: 1 tableta · Vía: Oral · Frecuencia: Cada 8 horas · Duración: 5 días', 'Cantidad: 15 · ATC N02BE01',
      'Rp.', 'Indicaciones: Tomar después de las comidas', 'Íñigo Peña Ñique', 'CMP 045678', 'Firmado digitalmente por Clínica San Miguel - Firma HCE',
    ]) expect(text).toContain(expected);
    expect(text).not.toMatch(/\d\. Clonazepam/);
    expect(text.replace(/\s+/g, ' ')).toContain('Medicamento(s) controlado(s) omitido(s): Clonazepam. Requiere(n) la receta especial oficial para estupefacientes y psicotrópicos (DS 023-2001-SA)');
    expect(codeOf(text)).toBe(`${res.headers['x-verification-code']}`.replace(/^(.{5})/, '$1-'));
    expect(text).toContain(`https://hce.clinica.pe/api/v1/verify/${res.headers['x-verification-code']}`);
    const audit = await t.database.db.execute(sql`SELECT actor_id, patient_id, details FROM audit_events WHERE action = 'DOCUMENT_ISSUED' AND entity_id = ${attention.id}`);
    expect(audit.rows).toEqual([expect.objectContaining({ actor_id: colleague.id, patient_id: patient.id, details: expect.objectContaining({ evento: 'SALIDA', tipoDocumento: 'RECETA', firmado: true, controladosOmitidos: 1 }) })]);
    expect(JSON.stringify(audit.rows)).not.toContain(patient.numeroDocumento);
    const stored = await t.database.db.execute(sql`SELECT tipo_documento, entity_id, seal_hash, firmado, issued_by FROM verification_codes WHERE code = ${res.headers['x-verification-code'] as string}`);
    expect(stored.rows[0]).toMatchObject({ tipo_documento: 'RECETA', entity_id: attention.id, firmado: true, issued_by: colleague.id });
  });

  it('signs the PDF (CMS over the whole byte range, signing time) and the finalized record (detached JWS with x5c)', async () => {
    const before = Date.now() - 1000;
    const res = await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/receta.pdf`, doctor);
    const check = checkPdfSignature(res.rawPayload);
    expect(check).toMatchObject({ byteRangeCoversFile: true, digestMatches: true, signatureValid: true, opensslVerified: true });
    expect(check.signerSubject).toContain('CN=Clínica San Miguel - Firma HCE');
    expect(check.signingTime!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const flipped = Buffer.from(res.rawPayload);
    flipped[200] = flipped[200]! ^ 0xff;
    expect(checkPdfSignature(flipped).digestMatches).toBe(false);

    const sig = await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/signature`, colleague);
    expect(sig.statusCode).toBe(200);
    const body = sig.json();
    expect(body).toMatchObject({ firmado: true, alg: 'RS256', firmadoPor: doctor.id, verificacion: { firmaValida: true, selloCoincide: true, certificadoVigenteAlFirmar: true } });
    expect(body.certificado).toMatchObject({ autofirmado: true, subject: expect.stringContaining('CN=Clínica San Miguel - Firma HCE') });
    expect(body.nota).toMatch(/autofirmado.*IOFE/);
    const [header, empty, signature] = body.jws.split('.');
    expect(empty).toBe('');
    const detail = await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}`, doctor);
    const seal = detail.json().sealHash as string;
    expect(body.sello).toBe(seal);
    const key = await importX509(cert.certPem, 'RS256');
    const verified = await compactVerify(`${header}.${Buffer.from(seal).toString('base64url')}.${signature}`, key);
    expect(new TextDecoder().decode(verified.payload)).toBe(seal);
    expect(verified.protectedHeader.x5c).toHaveLength(1);
    expect(verified.protectedHeader.sigT).toBe(body.firmadoEn.replace('.000Z', 'Z'));
    await expect(compactVerify(`${header}.${Buffer.from(`${seal}0`).toString('base64url')}.${signature}`, key)).rejects.toThrow();
    const signedEvents = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'ATTENTION_SIGNED' AND entity_id = ${attention.id}`);
    expect(signedEvents.rows[0]!.n).toBe(1);
  });

  it('prints the informe: the whole attention with vitals, CIE-10, orders, addenda, consents, signer and seal', async () => {
    const base = `/api/v1/medical_attentions/${attention.id}`;
    expect((await req(t, 'POST', `${base}/evolutions`, colleague, { notas: 'Control telefónico: afebril, cefalea cedió.' })).statusCode).toBe(201);
    expect((await req(t, 'POST', `${base}/consents`, doctor, { tipo: 'PROCEDIMIENTO', procedimiento: 'Punción lumbar diagnóstica', firmadoPor: 'PACIENTE', nombreFirmante: 'José Luis Núñez Chávez', fecha: todayInLima() })).statusCode).toBe(201);
    const res = await req(t, 'GET', `${base}/informe.pdf`, doctor);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = await pdfText(res.rawPayload);
    const seal = (await req(t, 'GET', base, doctor)).json().sealHash as string;
    for (const expected of [
      'INFORME DE ATENCIÓN AMBULATORIA', 'Motivo de consulta: Cefalea intensa y fiebre', 'Anamnesis: Refiere cefalea pulsátil de dos días, con náuseas.',
      'Lúcido, orientado; rigidez de nuca negativa.', 'Presión arterial: 120/80 mmHg', 'Temperatura: 38.2 °C', 'IMC: 22.86 kg/m² (normal)',
      'J06.9 — ', 'Tipo: PRESUNTIVO', 'Paracetamol · 500 mg · Tableta', 'controlado (receta especial)', `${attention.numeroOrden} — LABORATORIO`, 'CPMS 85025',
      'Control telefónico: afebril, cefalea cedió.', 'adenda posterior al cierre', 'PROCEDIMIENTO — Punción lumbar diagnóstica', 'Firmado por el paciente: José Luis Núñez Chávez',
      'Firmante: Íñigo Peña Ñique (CMP 045678)', `Sello SHA-256: ${seal}`, 'Firma digital del registro: Clínica San Miguel - Firma HCE',
    ]) expect(text).toContain(expected);
    expect(checkPdfSignature(res.rawPayload).signatureValid).toBe(true);
  });

  it('verifies a printed code publicly, with no clinical content, and notices a tampered record', async () => {
    const res = await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/receta.pdf`, doctor);
    const code = res.headers['x-verification-code'] as string;
    const typed = `${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`;
    const ok = await req(t, 'GET', `/api/v1/verify/${typed}`, undefined, undefined, '10.1.0.1');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      valido: true, tipoDocumento: 'RECETA', emitidoEn: expect.any(String), establecimiento: 'Clínica San Miguel de Piura',
      firmante: { nombreCompleto: 'Íñigo Peña Ñique', cmp: '045678' }, selloCoincide: true,
    });
    for (const secret of ['Núñez', patient.numeroHistoriaClinica, patient.numeroDocumento, 'J06', 'Paracetamol', patient.id, attention.id]) expect(ok.body).not.toContain(secret);
    expect((await req(t, 'GET', '/api/v1/verify/ZZZZZ-ZZZZZ', undefined, undefined, '10.1.0.1')).statusCode).toBe(404);
    expect((await req(t, 'GET', '/api/v1/verify/not-a-code', undefined, undefined, '10.1.0.1')).json().code).toBe('VERIFICATION_CODE_NOT_FOUND');

    // Someone edits the sealed record behind the application's back (the lock trigger off).
    const other = await clinicalAttention(t, doctor, patient.id);
    const printed = await req(t, 'GET', `/api/v1/medical_attentions/${other.id}/informe.pdf`, doctor);
    await t.database.db.execute(sql`ALTER TABLE medical_attentions DISABLE TRIGGER medical_attentions_lock`);
    await t.database.db.execute(sql`UPDATE medical_attentions SET motivo_consulta = 'Control de rutina' WHERE id = ${other.id}`);
    await t.database.db.execute(sql`ALTER TABLE medical_attentions ENABLE TRIGGER medical_attentions_lock`);
    const after = await req(t, 'GET', `/api/v1/verify/${printed.headers['x-verification-code'] as string}`, undefined, undefined, '10.1.0.1');
    expect(after.json()).toMatchObject({ valido: false, tipoDocumento: 'INFORME_ATENCION', selloCoincide: false });
    const audited = await t.database.db.execute(sql`SELECT outcome FROM audit_events WHERE action = 'DOCUMENT_VERIFIED' AND patient_id = ${patient.id} ORDER BY id`);
    expect(audited.rows.map((r) => r.outcome)).toEqual(['SUCCESS', 'FAILURE']);
  });

  it('rate-limits verification per IP address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await req(t, 'GET', '/api/v1/verify/ABCDE-ABCDE', undefined, undefined, '10.9.9.9')).statusCode);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    expect((await req(t, 'GET', '/api/v1/verify/ABCDE-ABCDE', undefined, undefined, '10.9.9.10')).statusCode).toBe(404);
  });

  it('prints only for doctors, only finalized attentions, and a receta only when there is something to prescribe', async () => {
    for (const user of [asistente, admin]) {
      expect((await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/receta.pdf`, user)).statusCode).toBe(403);
      expect((await req(t, 'GET', `/api/v1/medical_attentions/${attention.id}/informe.pdf`, user)).statusCode).toBe(403);
    }
    const open = await clinicalAttention(t, doctor, patient.id, { finalize: false });
    expect((await req(t, 'GET', `/api/v1/medical_attentions/${open.id}/receta.pdf`, doctor)).json().code).toBe('ATTENTION_NOT_FINALIZED');
    expect((await req(t, 'GET', `/api/v1/medical_attentions/${open.id}/signature`, doctor)).statusCode).toBe(409);
    const none = await clinicalAttention(t, doctor, patient.id, { prescriptions: false });
    const empty = await req(t, 'GET', `/api/v1/medical_attentions/${none.id}/receta.pdf`, doctor);
    expect(empty.statusCode).toBe(422);
    expect(empty.json().code).toBe('NO_PRESCRIPTIONS');
    expect((await req(t, 'GET', '/api/v1/medical_attentions/00000000-0000-4000-8000-000000000000/informe.pdf', doctor)).statusCode).toBe(404);
    const rows = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM verification_codes WHERE entity_id IN (${open.id}, ${none.id})`);
    expect(rows.rows[0]!.n).toBe(0);
    await expect(t.database.db.execute(sql`DELETE FROM verification_codes`)).rejects.toThrow();
  });
});

describe('printed formats without a certificate', () => {
  let t: TestApp;
  let doctor: TestUser;
  let attentionId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    doctor = await createUser(t, 'MEDICO', { cmp: '011223' });
    const patient = await createPatient(t, await createUser(t, 'ASISTENTE'));
    attentionId = (await clinicalAttention(t, doctor, patient.id)).id;
  });
  afterAll(async () => t.close());

  it('issues the documents unsigned and says so, with the default clinic name', async () => {
    const res = await req(t, 'GET', `/api/v1/medical_attentions/${attentionId}/receta.pdf`, doctor);
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain(t.config.CLINIC_NAME);
    expect(text).toContain('Documento sin firma digital: requiere firma manuscrita y sello del médico.');
    expect(text).toContain(`Válida hasta: ${dmy(plusDays(todayInLima(), 30))} (30 días)`);
    expect(res.rawPayload.includes('/ByteRange')).toBe(false);
    const informe = await pdfText((await req(t, 'GET', `/api/v1/medical_attentions/${attentionId}/informe.pdf`, doctor)).rawPayload);
    expect(informe).toContain('Firma digital del registro: no firmado digitalmente (solo sello de integridad)');
    const sig = await req(t, 'GET', `/api/v1/medical_attentions/${attentionId}/signature`, doctor);
    expect(sig.json()).toMatchObject({ firmado: false, jws: null, certificado: null, sello: expect.stringMatching(/^[0-9a-f]{64}$/), nota: expect.stringContaining('Ley 27269') });
    const verified = await req(t, 'GET', `/api/v1/verify/${res.headers['x-verification-code'] as string}`);
    expect(verified.json()).toMatchObject({ valido: true, selloCoincide: true, firmante: { cmp: '011223' } });
    const stored = await t.database.db.execute(sql`SELECT firmado FROM verification_codes WHERE entity_id = ${attentionId}`);
    expect(stored.rows.map((r) => r.firmado)).toEqual([false, false]);
  });
});
