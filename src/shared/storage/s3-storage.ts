import type * as S3 from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, opendir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, openTempFile, StorageNotFoundError, type FileStorage, type StagedWrite, type StoredObject } from './storage.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  forcePathStyle: boolean;
  /** Local directory for the encrypted temporary file that is PUT once complete. */
  stagingDir: string;
}

const PREFIX = 'attachments/';

function notFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

interface Connection {
  sdk: typeof S3;
  client: S3.S3Client;
}

/**
 * An S3-compatible bucket. The upload is first written (already encrypted) to a local
 * temporary file so the PUT carries an exact Content-Length: no buffering in memory, no
 * multipart-upload leftovers in the bucket, and nothing appears under the key until the
 * provider has acknowledged the whole object.
 */
export class S3FileStorage implements FileStorage {
  readonly driver = 's3' as const;
  private connection: Promise<Connection> | undefined;

  constructor(private readonly options: S3StorageOptions) {}

  /** The SDK takes over a second to load: only deployments that use S3 pay for it, on first use. */
  private connect(): Promise<Connection> {
    const options = this.options;
    this.connection ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
      // Recent SDKs add CRC32 trailers by default, which S3-compatible servers often reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    }) }));
    return this.connection;
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return PREFIX + key;
  }

  async stage(key: string): Promise<StagedWrite> {
    const objectKey = this.objectKey(key);
    await mkdir(this.options.stagingDir, { recursive: true, mode: 0o700 });
    const temp = join(this.options.stagingDir, `.tmp-${key.replaceAll('/', '_')}-${randomBytes(6).toString('hex')}`);
    const { stream, closed } = openTempFile(temp);
    return {
      stream,
      commit: async () => {
        await closed();
        if (stream.errored) throw stream.errored;
        const { size } = await stat(temp);
        const { sdk, client } = await this.connect();
        await client.send(new sdk.PutObjectCommand({
          Bucket: this.options.bucket, Key: objectKey, Body: createReadStream(temp), ContentLength: size,
          ContentType: 'application/octet-stream', ServerSideEncryption: 'AES256',
        }));
        await rm(temp, { force: true });
      },
      discard: async () => {
        if (!stream.destroyed) stream.destroy();
        await closed().catch(() => undefined);
        await rm(temp, { force: true });
      },
    };
  }

  async read(key: string): Promise<Readable> {
    try {
      const { sdk, client } = await this.connect();
      const result = await client.send(new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      return result.Body as Readable;
    } catch (error) {
      if (notFound(error)) throw new StorageNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      const { sdk, client } = await this.connect();
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    const { sdk, client } = await this.connect();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  async *list(): AsyncIterable<StoredObject> {
    const { sdk, client } = await this.connect();
    let token: string | undefined;
    do {
      const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: PREFIX, ContinuationToken: token }));
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        yield { key: item.Key.slice(PREFIX.length), size: item.Size ?? 0, modifiedAt: item.LastModified ?? new Date(0), temporary: false };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    yield* this.stagedLeftovers();
  }

  private async *stagedLeftovers(): AsyncIterable<StoredObject> {
    let dir;
    try {
      dir = await opendir(this.options.stagingDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for await (const entry of dir) {
      if (!entry.isFile()) continue;
      const info = await stat(join(this.options.stagingDir, entry.name));
      yield { key: `(staging)/${entry.name}`, size: info.size, modifiedAt: info.mtime, temporary: true };
    }
  }

  async close(): Promise<void> {
    if (this.connection) (await this.connection).client.destroy();
  }
}
