import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';

/**
 * The dicomweb adapter against a real PACS: Orthanc with its DICOMweb plugin, started by
 * `.ci/run` (or by hand: `source .ci/services.sh && start_orthanc`), which exports ORTHANC_URL.
 * Run with `npm run test:orthanc`.
 */
const ORTHANC_URL = process.env.ORTHANC_URL?.replace(/\/+$/, '');
if (!ORTHANC_URL && process.env.CI === 'true') {
  throw new Error('ORTHANC_URL is not set: CI must start Orthanc (start_orthanc in .ci/services.sh) before this suite');
}

const run = promisify(execFile);

/** An 8×8 24-bit BMP written by hand (no ImageMagick here): a small gradient. */
function tinyBmp(): Buffer {
  const width = 8;
  const height = 8;
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set([x * 30, y * 30, 128], y * rowBytes + x * 3);
  }
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  header.writeInt32LE(2835, 38);
  header.writeInt32LE(2835, 42);
  return Buffer.concat([header, pixels]);
}

/** img2dcm (dcmtk) turns the BMP into a DICOM CR study of that patient; UTF-8 for the accents. */
async function uploadStudy(dir: string, patientId: string): Promise<void> {
  const bmp = join(dir, `${patientId}.bmp`);
  const dcm = join(dir, `${patientId}.dcm`);
  writeFileSync(bmp, tinyBmp());
  await run('img2dcm', ['-i', 'BMP', bmp, dcm, '-k', 'SpecificCharacterSet=ISO_IR 192', '-k', `PatientID=${patientId}`,
    '-k', 'PatientName=Núñez Chávez^José Luis', '-k', 'StudyDate=20261120', '-k', 'Modality=CR', '-k', 'StudyDescription=Radiografía de tórax',
    '-k', 'AccessionNumber=ACC-2026-001']);
  const res = await fetch(`${ORTHANC_URL}/instances`, { method: 'POST', headers: { 'content-type': 'application/dicom' }, body: readFileSync(dcm) });
  if (!res.ok) throw new Error(`Orthanc refused the instance: ${res.status}`);
}

async function studyUidOf(patientId: string): Promise<string> {
  const res = await fetch(`${ORTHANC_URL}/dicom-web/studies?PatientID=${encodeURIComponent(patientId)}`);
  const studies = (await res.json()) as Record<string, { Value?: string[] }>[];
  return studies[0]!['0020000D']!.Value![0]!;
}

const suite = ORTHANC_URL ? describe : describe.skip;
if (!ORTHANC_URL) console.warn('orthanc.int.test.ts skipped: set ORTHANC_URL (see .ci/services.sh start_orthanc) to run it');

suite('PACS dicomweb adapter against a real Orthanc', () => {
  let t: TestApp;
  let medico: TestUser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hce-dicom-'));
    t = await buildTestApp({ env: { PACS_MODE: 'dicomweb', PACS_BASE_URL: `${ORTHANC_URL}/dicom-web`, PACS_TIMEOUT_MS: '5000' } });
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const studies = (patientId: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/integracion/pacs/studies?patient_id=${patientId}`, headers: medico.headers });

  it('finds the study uploaded for the patient’s DNI, normalized', async () => {
    const patient = await createPatient(t, medico);
    await uploadStudy(dir, patient.numeroDocumento);
    const uid = await studyUidOf(patient.numeroDocumento);
    const res = await studies(patient.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'pacs:dicomweb', stale: false });
    expect(res.json().data).toEqual([{
      studyId: uid, studyDate: '2026-11-20', modality: 'CR', description: 'Radiografía de tórax', accessionNumber: 'ACC-2026-001',
      hasReport: false, reportUrl: null, thumbnailUrl: `/api/v1/integracion/pacs/studies/${uid}/thumbnail?patient_id=${patient.id}`,
    }]);

    const thumb = await t.app.inject({ method: 'GET', url: res.json().data[0].thumbnailUrl, headers: medico.headers });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.subarray(0, 3).toString('hex')).toBe('ffd8ff');

    const other = await createPatient(t, medico);
    const notTheirs = await t.app.inject({ method: 'GET', url: `/api/v1/integracion/pacs/studies/${uid}/thumbnail?patient_id=${other.id}`, headers: medico.headers });
    expect(notTheirs.statusCode).toBe(404);
  });

  it('answers an empty list for a patient the PACS has no study of', async () => {
    const patient = await createPatient(t, medico);
    const res = await studies(patient.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ data: [], stale: false, source: 'pacs:dicomweb' });
  });
});
