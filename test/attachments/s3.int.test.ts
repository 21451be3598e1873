import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStorage } from '../../src/modules/attachments/storage-check.js';
import { S3FileStorage } from '../../src/shared/storage/s3-storage.js';
import { StorageNotFoundError } from '../../src/shared/storage/storage.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createAttention } from '../factories/attentions.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { pdf, png, upload } from './helpers.js';

const BUCKET = 'hce-test';

describe('attachments on an S3-compatible store (s3rver)', () => {
  let server: S3rver;
  let dir: string;
  let endpoint: string;
  let client: S3Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hce-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const objectKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!);
  const readAll = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('stores, reads, lists and removes objects through the adapter', async () => {
    const stagingDir = mkdtempSync(join(tmpdir(), 'hce-staging-'));
    const storage = new S3FileStorage({ bucket: BUCKET, region: 'us-east-1', endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, stagingDir });
    try {
      const data = Buffer.concat([png(3 * 1024 * 1024)]);
      const staged = await storage.stage('ab/adapter-object');
      await pipeline(Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]), staged.stream);
      expect(await storage.exists('ab/adapter-object')).toBe(false);
      await staged.commit();
      expect(readdirSync(stagingDir)).toEqual([]);
      expect(await storage.exists('ab/adapter-object')).toBe(true);
      expect((await readAll(await storage.read('ab/adapter-object'))).equals(data)).toBe(true);
      const listed = [];
      for await (const o of storage.list()) listed.push(o);
      expect(listed).toEqual([expect.objectContaining({ key: 'ab/adapter-object', size: data.length, temporary: false })]);

      const dropped = await storage.stage('ab/never');
      dropped.stream.write(Buffer.from('partial'));
      await dropped.discard();
      expect(readdirSync(stagingDir)).toEqual([]);
      expect(await storage.exists('ab/never')).toBe(false);

      await storage.remove('ab/adapter-object');
      expect(await storage.exists('ab/adapter-object')).toBe(false);
      await expect(storage.read('ab/adapter-object')).rejects.toBeInstanceOf(StorageNotFoundError);
      await storage.remove('ab/adapter-object');
      await expect(storage.stage('../escape')).rejects.toThrow(/invalid storage key/);
    } finally {
      await storage.close();
      rmSync(stagingDir, { recursive: true, force: true });
    }
  });

  describe('through the API with STORAGE_DRIVER=s3', () => {
    let t: TestApp;
    let doctor: TestUser;
    let attentionId: string;

    beforeAll(async () => {
      t = await buildTestApp({ env: { STORAGE_DRIVER: 's3', S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' } });
      const asistente = await createUser(t, 'ASISTENTE');
      doctor = await createUser(t, 'MEDICO');
      const patientId = (await createPatient(t, asistente)).id;
      attentionId = (await createAttention(t, doctor, { patient_id: patientId, tipoAtencion: 'EMERGENCIA' })).id;
    });
    afterAll(async () => t.close());

    it('round-trips a file that the bucket only ever holds encrypted', async () => {
      const content = pdf(3 * 1024 * 1024);
      const res = await upload(t, doctor, attentionId, [{ name: 'file', filename: 'informe.pdf', data: content }, { name: 'description', value: 'Informe' }]);
      expect(res.statusCode, res.body).toBe(201);
      const { id, urlPath, signedUrl } = res.json();
      const row = (await t.database.db.execute(sql`SELECT storage_driver, storage_key FROM attachments WHERE id = ${id}`)).rows[0];
      expect(row).toEqual({ storage_driver: 's3', storage_key: `${id.slice(0, 2)}/${id}` });

      const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `attachments/${id.slice(0, 2)}/${id}` }));
      const raw = await readAll(object.Body as Readable);
      expect(raw.length).toBe(content.length + 33);
      expect(raw.subarray(0, 4).toString()).toBe('HCEF');
      expect(raw.includes(content.subarray(1_000_000, 1_000_064))).toBe(false);

      const download = await t.app.inject({ method: 'GET', url: urlPath, headers: doctor.headers });
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(content)).toBe(true);
      expect((await t.app.inject({ method: 'GET', url: signedUrl })).rawPayload.equals(content)).toBe(true);
      expect(await checkStorage(t.database.db, t.app.ctx.services.storage)).toMatchObject({ driver: 's3', rowsChecked: 1, filesWithoutRows: [], rowsWithoutFiles: [], temporaryFiles: [] });
    });

    it('removes the object when the row cannot be written', async () => {
      const before = await objectKeys();
      await t.database.db.execute(sql`ALTER TABLE attachments ADD CONSTRAINT test_refuse CHECK (description IS DISTINCT FROM 'rechazar')`);
      try {
        const res = await upload(t, doctor, attentionId, [{ name: 'description', value: 'rechazar' }, { name: 'file', filename: 'a.png', data: png() }]);
        expect(res.statusCode).toBe(500);
      } finally {
        await t.database.db.execute(sql`ALTER TABLE attachments DROP CONSTRAINT test_refuse`);
      }
      expect(await objectKeys()).toEqual(before);
      expect(readdirSync(join(t.dataDir, 'tmp', 'uploads'))).toEqual([]);
    });
  });
});
