import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { huge, json, raw, slow, startStub, type Stub } from './pacs-lis-stubs.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** PACS and LIS over their REST contracts, against a real HTTP peer; resilience in pacs-lis-down. */
describe('PACS and LIS proxies (REST contracts)', () => {
  let stub: Stub;
  let t: TestApp;
  let medico: TestUser;
  type Patient = Awaited<ReturnType<typeof createPatient>>;
  const newPatient = (overrides: Record<string, unknown> = {}): Promise<Patient> => createPatient(t, medico, overrides);

  beforeAll(async () => {
    stub = await startStub();
    t = await buildTestApp({
      env: {
        PACS_BASE_URL: stub.url, PACS_API_KEY: 'pacs-secret-key',
        LIS_BASE_URL: `${stub.url}/`, LIS_API_KEY: 'lis-secret-key', LIS_AUTH_HEADER: 'X-Api-Key', LIS_PATIENT_ID: 'numeroHistoriaClinica',
        PACS_TIMEOUT_MS: '1000', LIS_TIMEOUT_MS: '1000', INTEGRATION_CIRCUIT_FAILURES: '1000', INTEGRATION_MAX_RESPONSE_BYTES: '65536',
      },
    });
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => {
    await t.close();
    await stub.close();
  });

  const studies = (patientId: string, user = medico) =>
    t.app.inject({ method: 'GET', url: `/api/v1/integracion/pacs/studies?patient_id=${patientId}`, headers: user.headers });
  const results = (patientId: string, user = medico) =>
    t.app.inject({ method: 'GET', url: `/api/v1/integracion/lis/results?patient_id=${patientId}`, headers: user.headers });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: medico.headers });

  it('normalizes a plain array of studies, rewrites PACS links to HCE links and sends the key as Bearer', async () => {
    const p = await newPatient();
    stub.forPatient(p.numeroDocumento, json([
      { studyId: '1.2.3.1', studyDate: '20261120', modality: ['CT', 'SR'], description: 'TEM de tórax', accessionNumber: 'ACC-1',
        reportUrl: '/files/report-1.pdf', thumbnailUrl: `${stub.url}/files/thumb-1.png`, hasReport: true },
      { studyId: 'S-2', studyDate: '2026-10-01T09:30:00-05:00', modality: 'US', description: 'Ecografía abdominal' },
    ]));
    const res = await studies(p.id);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ source: 'pacs:rest', stale: false });
    expect(Date.parse(body.fetchedAt)).not.toBeNaN();
    expect(body.data).toEqual([
      { studyId: '1.2.3.1', studyDate: '2026-11-20', modality: 'CT,SR', description: 'TEM de tórax', accessionNumber: 'ACC-1', hasReport: true,
        reportUrl: `/api/v1/integracion/pacs/studies/1.2.3.1/report?patient_id=${p.id}`,
        thumbnailUrl: `/api/v1/integracion/pacs/studies/1.2.3.1/thumbnail?patient_id=${p.id}` },
      { studyId: 'S-2', studyDate: '2026-10-01', modality: 'US', description: 'Ecografía abdominal', accessionNumber: null,
        hasReport: false, reportUrl: null, thumbnailUrl: null },
    ]);
    const seen = stub.lastFor(p.numeroDocumento)!;
    expect(seen.path).toBe('/api/studies');
    expect(seen.headers.authorization).toBe('Bearer pacs-secret-key');
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('accepts the list under studies, data or items, and an empty list', async () => {
    for (const key of ['studies', 'data', 'items']) {
      const p = await newPatient();
      stub.forPatient(p.numeroDocumento, json({ [key]: [{ studyId: `${key}-1`, hasReport: false }], total: 1 }));
      const res = await studies(p.id);
      expect(res.json().data.map((s: { studyId: string }) => s.studyId), key).toEqual([`${key}-1`]);
    }
    const empty = await newPatient();
    stub.forPatient(empty.numeroDocumento, json({ studies: [] }));
    expect((await studies(empty.id)).json()).toMatchObject({ data: [], stale: false });
  });

  it('relays a study report and thumbnail through authenticated HCE links, only for that patient', async () => {
    const p = await newPatient();
    const other = await newPatient();
    stub.forPatient(p.numeroDocumento, json([
      { studyId: 'R-1', reportUrl: '/files/r1.pdf', thumbnailUrl: '/files/t1.png', hasReport: true },
      { studyId: 'R-2', reportUrl: '/files/r2.html', hasReport: true },
      { studyId: 'R-3', reportUrl: 'https://visor.clinica.pe/informes/R-3', hasReport: true },
    ]));
    stub.forPatient(other.numeroDocumento, json([]));
    stub.forPath('/files/r1.pdf', raw(PDF, 'application/pdf'));
    stub.forPath('/files/t1.png', raw(PNG, 'image/png'));
    stub.forPath('/files/r2.html', raw('<script>alert(1)</script>', 'text/html'));
    const list = (await studies(p.id)).json();
    expect(list.data[2].reportUrl).toBe('https://visor.clinica.pe/informes/R-3');

    const report = await get(list.data[0].reportUrl);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toBe('application/pdf');
    expect(report.rawPayload.equals(PDF)).toBe(true);
    expect(report.headers['cache-control']).toContain('no-store');
    expect(stub.requests.find((r) => r.path === '/files/r1.pdf')!.headers.authorization).toBe('Bearer pacs-secret-key');
    const thumb = await get(list.data[0].thumbnailUrl);
    expect(thumb.headers['content-type']).toBe('image/png');
    expect(thumb.rawPayload.equals(PNG)).toBe(true);

    const html = await get(list.data[1].reportUrl);
    expect(html.statusCode).toBe(502);
    expect(html.json().code).toBe('PACS_INVALID_RESPONSE');
    expect(html.body).not.toContain('script');
    const notTheirs = await get(`/api/v1/integracion/pacs/studies/R-1/report?patient_id=${other.id}`);
    expect(notTheirs.statusCode).toBe(404);
    expect(notTheirs.json().code).toBe('PACS_STUDY_NOT_FOUND');
    const foreign = await get(`/api/v1/integracion/pacs/studies/R-3/report?patient_id=${p.id}`);
    expect(foreign.json().code).toBe('PACS_DOCUMENT_NOT_AVAILABLE');
    expect(stub.requests.some((r) => r.path.includes('informes'))).toBe(false);

    const events = await t.database.db.execute<{ action: string; outcome: string; details: Record<string, unknown> }>(
      sql`SELECT action, outcome, details FROM audit_events WHERE patient_id = ${p.id} ORDER BY id`);
    expect(events.rows.map((e) => `${e.action}:${e.outcome}`)).toEqual(expect.arrayContaining([
      'PACS_STUDIES_VIEWED:SUCCESS', 'PACS_REPORT_VIEWED:SUCCESS', 'PACS_THUMBNAIL_VIEWED:SUCCESS', 'PACS_REPORT_VIEWED:FAILURE',
    ]));
    expect(events.rows.find((e) => e.action === 'PACS_REPORT_VIEWED')!.details).toMatchObject({ studyId: 'R-1', contentType: 'application/pdf' });
  });

  it('uses the per-patient PACS identifier when one is set', async () => {
    const p = await newPatient({ pacsPatientId: 'PACS-000917' });
    stub.forPatient('PACS-000917', json([{ studyId: 'OV-1' }]));
    const res = await studies(p.id);
    expect(res.json().data[0].studyId).toBe('OV-1');
    expect(stub.lastFor(p.numeroDocumento)).toBeUndefined();
  });

  it('normalizes LIS results (by HC number, key in X-Api-Key) and links HCE orders through the resolver hook', async () => {
    const p = await newPatient();
    stub.forPatient(p.numeroHistoriaClinica, json({ results: [
      { resultId: 'L-1', testDate: '2026-11-20T08:30:00-05:00', testCode: '2345-7', testName: 'Glucosa', category: 'bioquimica',
        resultValue: 126, units: 'mg/dL', referenceRange: { low: 70, high: 110 }, abnormal: 'H', status: 'final', orderNumber: 'ORD-77' },
      { resultId: 'L-2', testDate: '2026-11-18', testName: 'Biopsia gástrica', category: 'PATOLOGIA', reportText: 'Gastritis crónica leve.',
        reportUrl: '/files/biopsia.pdf', abnormal: false },
    ] }));
    stub.forPath('/files/biopsia.pdf', raw(PDF, 'application/pdf; charset=binary'));
    const res = await results(p.id);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ source: 'lis:rest', stale: false });
    expect(body.data[0]).toEqual({
      resultId: 'L-1', testDate: '2026-11-20T13:30:00.000Z', testCode: '2345-7', testName: 'Glucosa', category: 'BIOQUIMICA',
      resultValue: '126', units: 'mg/dL', referenceRange: '70 - 110', abnormal: true, status: 'final', reportText: null,
      reportUrl: null, orderNumber: 'ORD-77', order_id: null,
    });
    expect(body.data[1]).toMatchObject({ testDate: '2026-11-18', abnormal: false, reportText: 'Gastritis crónica leve.',
      reportUrl: `/api/v1/integracion/lis/results/L-2/report?patient_id=${p.id}` });
    const seen = stub.lastFor(p.numeroHistoriaClinica)!;
    expect(seen.path).toBe('/api/results');
    expect(seen.headers['x-api-key']).toBe('lis-secret-key');
    expect(seen.headers.authorization).toBeUndefined();

    const pdf = await get(body.data[1].reportUrl);
    expect(pdf.headers['content-type']).toBe('application/pdf');

    const orderId = '7d3f0c7e-1111-4222-8333-944455556666';
    t.app.ctx.services.lis.setOrderResolver(async (patientId, numbers) =>
      new Map(patientId === p.id && numbers.includes('ORD-77') ? [['ORD-77', orderId]] : []));
    expect((await results(p.id)).json().data[0].order_id).toBe(orderId);
  });

  it('answers 504 well before a slow system would, for PACS and for LIS', async () => {
    const p = await newPatient();
    stub.forPatient(p.numeroDocumento, slow(8000, json([])));
    stub.forPatient(p.numeroHistoriaClinica, slow(8000, json([])));
    const started = Date.now();
    const res = await studies(p.id);
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(504);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'PACS_TIMEOUT', status: 504, system: 'PACS' });
    // The 1 s budget, not the 8 s the system would take (a generous bound: CI machines are shared).
    expect(elapsed).toBeLessThan(6000);
    expect((await results(p.id)).json().code).toBe('LIS_TIMEOUT');
  });

  it('refuses garbage JSON, a wrong content type, an unexpected shape and oversized bodies with 502 INVALID_RESPONSE', async () => {
    const cases = [
      raw('[{"studyId": "1", ', 'application/json'),
      raw('<html><body>Mantenimiento</body></html>', 'text/html'),
      json({ estudios: [{ studyId: '1' }] }),
      json([{ description: 'sin id' }]),
      json(['texto']),
      huge(200_000, false),
      huge(200_000, true),
    ];
    for (const [index, reply] of cases.entries()) {
      const p = await newPatient();
      stub.forPatient(p.numeroDocumento, reply);
      const res = await studies(p.id);
      expect(res.statusCode, `case ${index}`).toBe(502);
      expect(res.json().code, `case ${index}`).toBe('PACS_INVALID_RESPONSE');
    }
    const lisPatient = await newPatient();
    stub.forPatient(lisPatient.numeroHistoriaClinica, raw('not json', 'application/json'));
    expect((await results(lisPatient.id)).json().code).toBe('LIS_INVALID_RESPONSE');
  });

  it('reports an upstream error status without echoing the upstream body', async () => {
    const p = await newPatient();
    stub.forPatient(p.numeroDocumento, json({ error: 'SECRET-UPSTREAM-DETAIL stack trace' }, 500));
    const res = await studies(p.id);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'PACS_UNAVAILABLE', upstreamStatus: 500 });
    expect(res.body).not.toContain('SECRET-UPSTREAM-DETAIL');
  });

  it('answers 422 when the patient lacks the identifier the PACS knows', async () => {
    const p = await newPatient({ tipoDocumento: 'OTROS', tipoDocumentoDetalle: 'SIN_DOCUMENTO', numeroDocumento: null });
    const res = await studies(p.id);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PACS_PATIENT_ID_MISSING');
  });

  it('is for doctors only, 404 for an unknown patient, 400 for a malformed id', async () => {
    const p = await newPatient();
    for (const role of ['ASISTENTE', 'ADMIN'] as const) {
      const user = await createUser(t, role);
      expect((await studies(p.id, user)).statusCode, role).toBe(403);
      expect((await results(p.id, user)).statusCode, role).toBe(403);
    }
    const missing = await studies('4a0e4c52-7b8c-4d2e-9f10-1234567890ab');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PATIENT_NOT_FOUND');
    expect((await results('no-uuid')).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/integracion/pacs/studies?patient_id=${p.id}` })).statusCode).toBe(401);
  });

  it('logs each call without identifiers and counts it in /metrics', async () => {
    const text = t.logs.text;
    expect(text).toContain('"msg":"integration call"');
    const line = t.logs.entries.find((e) => e.msg === 'integration call' && e.system === 'pacs')!;
    expect(line).toMatchObject({ operation: 'pacs.studies', outcome: 'ok', status: 200 });
    expect(typeof line.latencyMs).toBe('number');
    for (const secret of ['pacs-secret-key', 'lis-secret-key', 'PACS-000917', 'patient_id=']) expect(text).not.toContain(secret);
    const dnis = stub.requests.map((r) => r.query.get('patient_id')).filter((v): v is string => Boolean(v) && /^\d{8}$/.test(v ?? ''));
    expect(dnis.length).toBeGreaterThan(3);
    for (const dni of dnis) expect(text).not.toContain(dni);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hce_integration_call_duration_seconds_count\{system="pacs",outcome="ok"\} [1-9]/);
    expect(metrics.body).toMatch(/hce_integration_errors_total\{system="pacs",code="PACS_TIMEOUT"\} [1-9]/);
    expect(metrics.body).toMatch(/hce_integration_errors_total\{system="lis",code="LIS_INVALID_RESPONSE"\} [1-9]/);
  });
});
