import { createCipheriv, createDecipheriv, createHash, randomBytes, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Keyring } from '../crypto/keyring.js';

/**
 * Envelope encryption of stored files. Each file gets a random 256-bit data key; the data
 * key is wrapped (AES-256-GCM) with the keyring's 'files' subkey and kept in the database
 * beside the key id, so rotating the master key only rewraps 60-byte keys, never files.
 *
 * Stored object: "HCEF" | 0x01 | iv (12) | ciphertext | GCM tag (16). The attachment id is
 * authenticated data, so one row's file cannot be swapped for another's.
 */
const MAGIC = Buffer.from('HCEF\x01', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + IV_BYTES;
export const ENVELOPE_OVERHEAD = HEADER_BYTES + TAG_BYTES;

export interface WrappedKey {
  keyId: string;
  wrapped: string;
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function wrapDataKey(keyring: Keyring, dataKey: Buffer, fileId: string): WrappedKey {
  const keyId = keyring.activeKeyId;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.subkey('files', keyId), iv);
  cipher.setAAD(Buffer.from(`hce-file-key:v1:${fileId}`));
  const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { keyId, wrapped: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url') };
}

export function unwrapDataKey(keyring: Keyring, key: WrappedKey, fileId: string): Buffer {
  const raw = Buffer.from(key.wrapped, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyring.subkey('files', key.keyId), raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(`hce-file-key:v1:${fileId}`));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

const contentAad = (fileId: string) => Buffer.from(`hce-file:v1:${fileId}`);

/** Plaintext in, stored object out. */
export function encryptingStream(dataKey: Buffer, fileId: string): Transform {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(contentAad(fileId));
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!started) {
        started = true;
        this.push(Buffer.concat([MAGIC, iv]));
      }
      done(null, cipher.update(chunk));
    },
    flush(done) {
      if (!started) this.push(Buffer.concat([MAGIC, iv]));
      const last = cipher.final();
      if (last.length) this.push(last);
      done(null, cipher.getAuthTag());
    },
  });
}

export class IntegrityError extends Error {
  constructor(readonly reason: 'tag' | 'sha256' | 'size' | 'format') {
    super(`stored file failed its integrity check (${reason})`);
    this.name = 'IntegrityError';
  }
}

/**
 * Stored object in, plaintext out, checked on the way: the GCM tag, then the SHA-256 and
 * size recorded at upload. GCM releases plaintext before the tag is known, so the last
 * plaintext chunk is held back until every check passes: a client that was promised
 * Content-Length bytes never receives a complete-looking file that failed verification.
 */
export function decryptingStream(dataKey: Buffer, fileId: string, expected: { sha256: string; size: number }): Transform {
  let header = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let tail = Buffer.alloc(0);
  let held: Buffer | undefined;
  let size = 0;
  const hash = createHash('sha256');

  const emit = (stream: Transform, plain: Buffer) => {
    if (plain.length === 0) return;
    hash.update(plain);
    size += plain.length;
    if (held) stream.push(held);
    held = plain;
  };

  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let data = chunk;
      if (!decipher) {
        header = Buffer.concat([header, data]);
        if (header.length < HEADER_BYTES) return done();
        if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return done(new IntegrityError('format'));
        decipher = createDecipheriv('aes-256-gcm', dataKey, header.subarray(MAGIC.length, HEADER_BYTES));
        decipher.setAAD(contentAad(fileId));
        data = header.subarray(HEADER_BYTES);
      }
      // The tag is the last 16 bytes of the object: always keep that much back.
      const joined = tail.length ? Buffer.concat([tail, data]) : data;
      const cut = Math.max(0, joined.length - TAG_BYTES);
      tail = Buffer.from(joined.subarray(cut));
      emit(this, decipher.update(joined.subarray(0, cut)));
      done();
    },
    flush(done: TransformCallback) {
      if (!decipher || tail.length < TAG_BYTES) return done(new IntegrityError('format'));
      try {
        decipher.setAuthTag(tail);
        emit(this, decipher.final());
      } catch {
        return done(new IntegrityError('tag'));
      }
      if (size !== expected.size) return done(new IntegrityError('size'));
      if (hash.digest('hex') !== expected.sha256) return done(new IntegrityError('sha256'));
      done(null, held);
    },
  });
}
