import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { json, raw, startStub, type Stub } from './pacs-lis-stubs.js';

const DNI_SYSTEM = 'urn:oid:2.16.604.1.1.1.1.1.1.1';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

const coding = (code: string, display?: string, system?: string) => ({ coding: [{ ...(system ? { system } : {}), code, ...(display ? { display } : {}) }] });
const quantity = (value: number, unit?: string) => ({ value, ...(unit ? { unit } : {}) });

/** A FHIR R4 searchset as a LIS answers DiagnosticReport?…&_include=DiagnosticReport:result. */
function labBundle(base: string) {
  const entry = (resource: Record<string, unknown>, mode: 'match' | 'include') => ({
    fullUrl: `${base}/${String(resource.resourceType)}/${String(resource.id)}`, resource, search: { mode },
  });
  const obs = (id: string, extra: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', ...extra });
  return {
    resourceType: 'Bundle', type: 'searchset', total: 3,
    entry: [
      entry({
        resourceType: 'DiagnosticReport', id: 'dr-hemo', status: 'final', code: { ...coding('58410-2', 'CBC panel', 'http://loinc.org'), text: 'Hemograma completo' },
        category: [coding('HM', 'Hematology', 'http://terminology.hl7.org/CodeSystem/v2-0074')],
        effectiveDateTime: '2026-11-20T08:00:00-05:00', issued: '2026-11-20T10:00:00-05:00',
        identifier: [{ system: 'urn:lis:informe', value: 'INF-1' }, { type: coding('PLAC'), value: 'ORD-2026-0042' }],
        result: [{ reference: 'Observation/hb' }, { reference: `${base}/Observation/plt/_history/2` }, { reference: 'Observation/wbc' }, { reference: 'Observation/lost', display: 'VSG' }],
        conclusion: 'Anemia leve.',
      }, 'match'),
      entry(obs('hb', { code: coding('718-7', 'Hemoglobina', 'http://loinc.org'), valueQuantity: quantity(10.2, 'g/dL'),
        referenceRange: [{ low: quantity(12, 'g/dL'), high: quantity(16, 'g/dL') }], interpretation: [coding('L', 'Low')] }), 'include'),
      entry(obs('plt', { code: { text: 'Plaquetas' }, valueQuantity: quantity(250, '10*3/uL'), referenceRange: [{ text: '150 - 450 x10³/µL' }],
        interpretation: [coding('N')], effectiveDateTime: '2026-11-20T08:05:00-05:00' }), 'include'),
      entry(obs('wbc', { code: coding('6690-2', 'Leucocitos'), valueQuantity: quantity(15.1, '10*3/uL'), referenceRange: [{ low: quantity(4), high: quantity(11) }] }), 'include'),
      entry({
        resourceType: 'DiagnosticReport', id: 'dr-pat', status: 'final', code: { text: 'Biopsia gástrica' },
        category: [{ text: 'Anatomía patológica' }], effectiveDateTime: '2026-11-18',
        basedOn: [{ reference: 'ServiceRequest/sr-9', identifier: { value: 'ORD-2026-0050' } }],
        conclusion: 'Gastritis crónica moderada sin atipia.',
        presentedForm: [{ contentType: 'text/html', url: 'Binary/html-1' }, { contentType: 'application/pdf', url: 'Binary/pdf-2', title: 'Informe' }],
      }, 'match'),
      entry({
        resourceType: 'DiagnosticReport', id: 'dr-uro', status: 'preliminary', code: { text: 'Urocultivo' },
        category: [coding('MB')], issued: '2026-11-19T12:00:00Z', result: [{ reference: 'Observation/cult' }],
        presentedForm: [{ contentType: 'text/plain', data: Buffer.from('Se aisló E. coli sensible a nitrofurantoína.').toString('base64') }],
      }, 'match'),
      entry(obs('cult', { code: { text: 'Cultivo de orina' }, valueCodeableConcept: { text: 'Escherichia coli > 100 000 UFC/mL' },
        interpretation: [coding('A')] }), 'include'),
      entry({
        resourceType: 'DiagnosticReport', id: 'dr-pa', status: 'final', code: { text: 'Presión arterial (panel)' }, category: [coding('LAB')],
        result: [{ reference: 'Observation/bp' }],
      }, 'match'),
      entry(obs('bp', { code: { text: 'Presión arterial' }, component: [
        { code: { text: 'Sistólica' }, valueQuantity: quantity(150, 'mm[Hg]'), interpretation: [coding('HH')] },
        { code: { text: 'Diastólica' }, valueQuantity: quantity(80, 'mm[Hg]') },
      ] }), 'include'),
    ],
  };
}

describe('LIS over FHIR R4, PACS over DICOMweb, and custom field names', () => {
  let stub: Stub;
  let db: TestDatabase;
  let fhirApp: TestApp;
  let dicomApp: TestApp;
  let medico: TestUser;
  let dicomMedico: TestUser;

  beforeAll(async () => {
    stub = await startStub();
    db = await createTestDatabase();
    fhirApp = await buildTestApp({ testDatabase: db, env: {
      LIS_MODE: 'fhir', LIS_BASE_URL: `${stub.url}/fhir`, LIS_FHIR_IDENTIFIER_SYSTEM: DNI_SYSTEM, LIS_API_KEY: 'fhir-token',
      PACS_BASE_URL: `${stub.url}/v2`, PACS_AUTH_HEADER: 'X-Pacs-Key', PACS_API_KEY: 'raw-pacs-key',
      PACS_FIELD_MAP: JSON.stringify({ studyId: 'id_estudio', studyDate: 'fecha', modality: 'modalidad', description: 'descripcion',
        accessionNumber: 'nro_acceso', reportUrl: 'informe.url', hasReport: 'informe.disponible', thumbnailUrl: 'miniatura' }),
    } });
    dicomApp = await buildTestApp({ testDatabase: db, env: {
      PACS_MODE: 'dicomweb', PACS_BASE_URL: `${stub.url}/dicom-web`,
      LIS_BASE_URL: `${stub.url}/lis2`, LIS_FIELD_MAP: JSON.stringify({ resultId: 'codigo', testDate: 'fecha', testName: 'examen.nombre',
        testCode: 'examen.codigo', resultValue: 'valor', units: 'unidad', referenceRange: 'rango', abnormal: 'flag', category: 'area', orderNumber: 'orden' }),
    } });
    medico = await createUser(fhirApp, 'MEDICO');
    dicomMedico = await createUser(dicomApp, 'MEDICO');
  });
  afterAll(async () => {
    await fhirApp.close();
    await dicomApp.close();
    await db.dispose();
    await stub.close();
  });

  const get = (t: TestApp, user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });

  it('maps a FHIR Bundle: values, units, reference ranges, interpretation, categories, narrative and order numbers', async () => {
    const p = await createPatient(fhirApp, medico);
    stub.forPatient(p.numeroDocumento, json(labBundle(`${stub.url}/fhir`), 200, FHIR_JSON));
    stub.forPath('/fhir/Binary/pdf-2', raw(Buffer.from('%PDF-1.7 informe'), 'application/pdf'));
    const res = await get(fhirApp, medico, `/api/v1/integracion/lis/results?patient_id=${p.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ source: 'lis:fhir', stale: false });
    const byId = Object.fromEntries(body.data.map((r: { resultId: string }) => [r.resultId, r]));
    expect(byId['Observation-hb']).toEqual({
      resultId: 'Observation-hb', testDate: '2026-11-20T13:00:00.000Z', testCode: '718-7', testName: 'Hemoglobina', category: 'HEMATOLOGIA',
      resultValue: '10.2', units: 'g/dL', referenceRange: '12 - 16 g/dL', abnormal: true, status: 'final', reportText: 'Anemia leve.',
      reportUrl: null, orderNumber: 'ORD-2026-0042', order_id: null,
    });
    expect(byId['Observation-plt']).toMatchObject({ testName: 'Plaquetas', referenceRange: '150 - 450 x10³/µL', abnormal: false, testDate: '2026-11-20T13:05:00.000Z' });
    expect(byId['Observation-wbc']).toMatchObject({ referenceRange: '4 - 11', abnormal: true, testCode: '6690-2' });
    expect(byId['DiagnosticReport-dr-hemo-r3']).toMatchObject({ testName: 'VSG', resultValue: null, category: 'HEMATOLOGIA' });
    expect(byId['DiagnosticReport-dr-pat']).toMatchObject({
      category: 'PATOLOGIA', testName: 'Biopsia gástrica', testDate: '2026-11-18', reportText: 'Gastritis crónica moderada sin atipia.',
      orderNumber: 'ORD-2026-0050', reportUrl: `/api/v1/integracion/lis/results/DiagnosticReport-dr-pat/report?patient_id=${p.id}`,
    });
    expect(byId['Observation-cult']).toMatchObject({ category: 'MICROBIOLOGIA', resultValue: 'Escherichia coli > 100 000 UFC/mL', abnormal: true,
      status: 'final', reportText: 'Se aisló E. coli sensible a nitrofurantoína.', testDate: '2026-11-19T12:00:00.000Z' });
    expect(byId['Observation-bp-c0']).toMatchObject({ testName: 'Sistólica', resultValue: '150', units: 'mm[Hg]', abnormal: true, category: null });
    expect(byId['Observation-bp-c1']).toMatchObject({ testName: 'Diastólica', abnormal: null });
    expect(body.data).toHaveLength(8);

    const seen = stub.lastFor(p.numeroDocumento)!;
    expect(seen.path).toBe('/fhir/DiagnosticReport');
    expect(seen.query.get('patient.identifier')).toBe(`${DNI_SYSTEM}|${p.numeroDocumento}`);
    expect(seen.query.get('_include')).toBe('DiagnosticReport:result');
    expect(seen.headers.authorization).toBe('Bearer fhir-token');
    expect(seen.headers.accept).toContain('application/fhir+json');

    const pdf = await get(fhirApp, medico, byId['DiagnosticReport-dr-pat'].reportUrl);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body).toContain('%PDF-1.7');
  });

  it('answers [] for an empty Bundle and 502 for a FHIR answer that is not a Bundle', async () => {
    const empty = await createPatient(fhirApp, medico);
    stub.forPatient(empty.numeroDocumento, json({ resourceType: 'Bundle', type: 'searchset', total: 0 }, 200, FHIR_JSON));
    expect((await get(fhirApp, medico, `/api/v1/integracion/lis/results?patient_id=${empty.id}`)).json()).toMatchObject({ data: [], stale: false });
    const odd = await createPatient(fhirApp, medico);
    stub.forPatient(odd.numeroDocumento, json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] }, 200, FHIR_JSON));
    const res = await get(fhirApp, medico, `/api/v1/integracion/lis/results?patient_id=${odd.id}`);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('LIS_INVALID_RESPONSE');
  });

  it('reads PACS studies by the names in PACS_FIELD_MAP and sends the raw key in a custom header', async () => {
    const p = await createPatient(fhirApp, medico);
    stub.forPatient(p.numeroDocumento, json({ items: [
      { id_estudio: 77, fecha: '2026-11-01', modalidad: 'MR', descripcion: 'RM de rodilla', nro_acceso: 'A77', informe: { url: '/v2/informes/77.txt', disponible: 'true' }, miniatura: null },
      { id_estudio: 'E-78', fecha: 'no es fecha', informe: { disponible: false, url: '/v2/informes/78.txt' } },
    ] }));
    stub.forPath('/v2/informes/77.txt', raw('Informe: menisco interno con lesión grado II.', 'text/plain; charset=utf-8'));
    const res = await get(fhirApp, medico, `/api/v1/integracion/pacs/studies?patient_id=${p.id}`);
    expect(res.json().data).toEqual([
      { studyId: '77', studyDate: '2026-11-01', modality: 'MR', description: 'RM de rodilla', accessionNumber: 'A77', hasReport: true,
        reportUrl: `/api/v1/integracion/pacs/studies/77/report?patient_id=${p.id}`, thumbnailUrl: null },
      { studyId: 'E-78', studyDate: null, modality: null, description: null, accessionNumber: null, hasReport: false, reportUrl: null, thumbnailUrl: null },
    ]);
    const seen = stub.lastFor(p.numeroDocumento)!;
    expect(seen.path).toBe('/v2/api/studies');
    expect(seen.headers['x-pacs-key']).toBe('raw-pacs-key');
    expect(seen.headers.authorization).toBeUndefined();
    const report = await get(fhirApp, medico, res.json().data[0].reportUrl);
    expect(report.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(report.body).toContain('menisco');
  });

  it('reads LIS results by the names in LIS_FIELD_MAP', async () => {
    const p = await createPatient(dicomApp, dicomMedico);
    stub.forPatient(p.numeroDocumento, json({ data: [
      { codigo: 'X1', fecha: '20261115', examen: { nombre: 'Creatinina', codigo: 'CREA' }, valor: '1.4', unidad: 'mg/dL', rango: '0.7 - 1.3', flag: 'ALTO', area: 'Bioquímica', orden: 'O-1' },
    ] }));
    const res = await get(dicomApp, dicomMedico, `/api/v1/integracion/lis/results?patient_id=${p.id}`);
    expect(res.json().data).toEqual([{
      resultId: 'X1', testDate: '2026-11-15', testCode: 'CREA', testName: 'Creatinina', category: 'BIOQUIMICA', resultValue: '1.4', units: 'mg/dL',
      referenceRange: '0.7 - 1.3', abnormal: true, status: null, reportText: null, reportUrl: null, orderNumber: 'O-1', order_id: null,
    }]);
    expect(stub.lastFor(p.numeroDocumento)!.path).toBe('/lis2/api/results');
  });

  it('queries QIDO-RS with the needed includefields, maps DICOM JSON and relays a rendered thumbnail', async () => {
    const p = await createPatient(dicomApp, dicomMedico);
    const uid = '1.2.826.0.1.3680043.8.498.1';
    const tag = (vr: string, ...Value: unknown[]) => ({ vr, ...(Value.length ? { Value } : {}) });
    stub.forPatient(p.numeroDocumento, json([
      { '0020000D': tag('UI', uid), '00080020': tag('DA', '20261120'), '00080061': tag('CS', 'CR', 'SR'), '00081030': tag('LO', 'Radiografía de tórax'),
        '00080050': tag('SH'), '00100020': tag('LO', p.numeroDocumento) },
      { '0020000D': tag('UI', '1.2.3.999'), '00100020': tag('LO', `${p.numeroDocumento}9`) },
    ], 200, 'application/dicom+json'));
    stub.forPath(`/dicom-web/studies/${uid}/rendered`, raw(JPEG, 'image/jpeg'));
    const res = await get(dicomApp, dicomMedico, `/api/v1/integracion/pacs/studies?patient_id=${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'pacs:dicomweb', stale: false });
    expect(res.json().data).toEqual([{
      studyId: uid, studyDate: '2026-11-20', modality: 'CR,SR', description: 'Radiografía de tórax', accessionNumber: null, hasReport: false,
      reportUrl: null, thumbnailUrl: `/api/v1/integracion/pacs/studies/${uid}/thumbnail?patient_id=${p.id}`,
    }]);
    const seen = stub.lastFor(p.numeroDocumento)!;
    expect(seen.path).toBe('/dicom-web/studies');
    expect(seen.query.getAll('includefield')).toEqual(expect.arrayContaining(['00081030', '00080061', '00080050', '00080020']));

    const thumb = await get(dicomApp, dicomMedico, res.json().data[0].thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.equals(JPEG)).toBe(true);
    const membership = stub.requests.filter((r) => r.path === '/dicom-web/studies' && r.query.get('StudyInstanceUID') === uid);
    expect(membership).toHaveLength(1);
    const bogus = await get(dicomApp, dicomMedico, `/api/v1/integracion/pacs/studies/..%2F..%2Fsystem/thumbnail?patient_id=${p.id}`);
    expect(bogus.statusCode).toBe(404);
    expect(bogus.json().code).toBe('PACS_STUDY_NOT_FOUND');
  });
});
