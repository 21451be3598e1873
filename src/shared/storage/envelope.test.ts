import { randomBytes } from 'node:crypto';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { Keyring, sha256Hex } from '../crypto/keyring.js';
import { decryptingStream, encryptingStream, ENVELOPE_OVERHEAD, IntegrityError, newDataKey, unwrapDataKey, wrapDataKey } from './envelope.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

async function collect(source: Buffer[], transform: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(source), transform, sink);
  return Buffer.concat(out);
}

/** Splits into pieces of the given sizes, cycling: exercises every header/tag boundary. */
const split = (data: Buffer, sizes: number[]) => {
  const parts: Buffer[] = [];
  for (let i = 0, k = 0; i < data.length; k++) {
    const n = sizes[k % sizes.length]!;
    parts.push(data.subarray(i, i + n));
    i += n;
  }
  return parts;
};

describe('file envelope', () => {
  const id = '3f1c8a52-0000-4000-8000-000000000001';
  const plain = randomBytes(100_003);
  const expected = { sha256: sha256Hex(plain), size: plain.length };

  it('round-trips whatever the chunking of the stored object', async () => {
    const key = newDataKey();
    const stored = await collect(split(plain, [7000, 13]), encryptingStream(key, id));
    expect(stored.length).toBe(plain.length + ENVELOPE_OVERHEAD);
    for (const sizes of [[1], [5, 16, 17], [15], [65_536], [stored.length]]) {
      expect((await collect(split(stored, sizes), decryptingStream(key, id, expected))).equals(plain)).toBe(true);
    }
  });

  it('refuses a flipped byte, another file id, a wrong size or hash, and a truncated object', async () => {
    const key = newDataKey();
    const stored = await collect([plain], encryptingStream(key, id));
    const flipped = Buffer.from(stored);
    flipped[5000] = flipped[5000]! ^ 1;
    const failures: [Buffer, string, { sha256: string; size: number }, string][] = [
      [flipped, id, expected, 'tag'],
      [stored, '3f1c8a52-0000-4000-8000-000000000002', expected, 'tag'],
      [stored, id, { ...expected, size: expected.size + 1 }, 'size'],
      [stored, id, { ...expected, sha256: '0'.repeat(64) }, 'sha256'],
      [stored.subarray(0, stored.length - 1), id, expected, 'tag'],
      [stored.subarray(0, 20), id, expected, 'format'],
      [Buffer.from('not an envelope at all'), id, expected, 'format'],
    ];
    for (const [data, fileId, exp, reason] of failures) {
      const error = await collect(split(data, [4096]), decryptingStream(key, fileId, exp)).catch((e: unknown) => e);
      expect(error, reason).toBeInstanceOf(IntegrityError);
      expect((error as IntegrityError).reason).toBe(reason);
    }
  });

  it('wraps data keys under the active master key and unwraps with retired ones', () => {
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(new Keyring(KEY_A), dataKey, id);
    expect(unwrapDataKey(new Keyring(KEY_B, [KEY_A]), wrapped, id).equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(new Keyring(KEY_A), wrapped, 'other-id')).toThrow();
    expect(() => unwrapDataKey(new Keyring(KEY_B), wrapped, id)).toThrow(/unknown data key/);
  });
});
