import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/**
 * Where attachment bytes live. Callers only ever hand it ciphertext (see envelope.ts), so an
 * adapter never needs to know what a file contains, and the provider never sees plaintext.
 */
export interface FileStorage {
  readonly driver: 'local' | 's3';
  /**
   * Opens a temporary file the caller streams into. Nothing is visible under `key` until
   * `commit()` resolves, which happens only once the object is durably stored.
   */
  stage(key: string): Promise<StagedWrite>;
  /** A stream of the stored object; rejects with StorageNotFoundError when it does not exist. */
  read(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Removes an object (an upload whose database row failed); missing objects are not an error. */
  remove(key: string): Promise<void>;
  /** Every stored object, and leftover temporary files (interrupted or in-flight uploads). */
  list(): AsyncIterable<StoredObject>;
  close(): Promise<void>;
}

export interface StagedWrite {
  readonly stream: Writable;
  /** Durably stores what was written (fsync + rename, or the S3 PUT) and removes the temporary file. */
  commit(): Promise<void>;
  /** Drops the temporary file; safe to call more than once or after a failed commit. */
  discard(): Promise<void>;
}

export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
  temporary: boolean;
}

export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`stored object ${key} does not exist`);
    this.name = 'StorageNotFoundError';
  }
}

// Keys are built by the application; this refuses anything that could leave the store's root.
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

export function assertValidKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.length > 200) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/**
 * A temporary file opened exclusively (0600) and fsync'ed before its descriptor closes
 * (`flush`), so once the stream has closed its bytes are on disk.
 */
export function openTempFile(path: string): { stream: WriteStream; closed(): Promise<void> } {
  const stream = createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true });
  return {
    stream,
    closed: () => (stream.closed ? Promise.resolve() : once(stream, 'close').then(() => undefined)),
  };
}
