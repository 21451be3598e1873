import { createHash, randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { upload } from './helpers.js';

const FILE_BYTES = 60 * 1024 * 1024;
const CHUNK = 64 * 1024;

// Garbage is collected before each sample, so what is measured is memory still held, not
// chunks already released but not yet collected (which would make the bound GC-dependent).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live memory that a buffered upload would grow: the JS heap plus Buffers (allocated outside it). */
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('attachments: streaming', () => {
  let t: TestApp;
  let doctor: TestUser;
  let attentionId: string;

  beforeAll(async () => {
    t = await buildTestApp({ env: { ATTACHMENT_MAX_BYTES: String(FILE_BYTES + CHUNK) } });
    const asistente = await createUser(t, 'ASISTENTE');
    doctor = await createUser(t, 'MEDICO');
    const patientId = (await createPatient(t, asistente)).id;
    attentionId = (await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' })).id;
  });
  afterAll(async () => t.close());

  it('keeps memory flat while a 60 MB upload streams through (never buffers the file)', async () => {
    // Warm the path once so lazily loaded code and pools are not counted as growth.
    await upload(t, doctor, attentionId, [{ name: 'file', filename: 'warm.pdf', data: Buffer.from('%PDF-1.7\nwarm') }]);
    const block = randomBytes(CHUNK);
    const hash = createHash('sha256');
    const baseline = used();
    let peak = baseline;
    // Every chunk is a fresh Buffer (as from a socket); memory is sampled as the server pulls them.
    async function* fileData(): AsyncIterable<Buffer> {
      for (let sent = 0; sent < FILE_BYTES; sent += CHUNK) {
        const chunk = Buffer.from(block);
        if (sent === 0) chunk.write('%PDF-1.7\n');
        chunk.writeUInt32BE(sent / CHUNK, 100);
        hash.update(chunk);
        if ((sent / CHUNK) % 64 === 63) peak = Math.max(peak, used());
        yield chunk;
      }
    }
    const res = await upload(t, doctor, attentionId, [{ name: 'fileName', value: 'tomografia.pdf' }, { name: 'file', filename: 'tomografia.pdf', data: fileData() }]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ size: FILE_BYTES, sha256: hash.digest('hex') });
    const growth = peak - baseline;
    // Sampled every 4 MB: a buffered upload holds up to the whole file (60 MB) by the last
    // samples (65 MB measured); a streamed one only what is in flight (about 9 MB measured on
    // PGlite). Generous bound: a third of the file.
    expect(growth, `memory grew ${Math.round(growth / 1024 / 1024)} MB`).toBeLessThan(FILE_BYTES / 3);
  }, 180_000);
});
