import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestApp } from '../helpers/app.js';
import type { TestUser } from '../factories/users.js';

export type FormPart =
  | { name: string; value: string }
  | { name: string; filename?: string; contentType?: string; data: Buffer | AsyncIterable<Buffer> };

/** A multipart/form-data body as a stream, in the given part order (file before or after fields). */
export function multipartBody(parts: FormPart[]): { payload: Readable; headers: Record<string, string> } {
  const boundary = `----hce${randomBytes(8).toString('hex')}`;
  async function* generate(): AsyncIterable<Buffer> {
    for (const part of parts) {
      if ('value' in part) {
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
        continue;
      }
      const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`);
      if (Buffer.isBuffer(part.data)) yield part.data;
      else for await (const chunk of part.data) yield chunk;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return { payload: Readable.from(generate(), { objectMode: false }), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function upload(t: TestApp, user: TestUser, attentionId: string, parts: FormPart[]) {
  const body = multipartBody(parts);
  return t.app.inject({ method: 'POST', url: `/api/v1/medical_attentions/${attentionId}/attachments`, headers: { ...user.headers, ...body.headers }, payload: body.payload });
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Random bytes behind a real magic number, so the sniffer accepts them. */
export const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
export const png = (size = 2048) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
export const jpeg = (size = 4096) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
export const tiff = (size = 4096) => Buffer.concat([Buffer.from('II*\0', 'latin1'), randomBytes(size - 4)]);
export const dicom = (size = 4096) => Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(size - 132)]);
/** What a Windows executable starts with (DOS header, NULs included). */
export const exe = () => Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), randomBytes(4000)]);

/** Every file under a directory (relative paths), temporary ones included. */
export function filesUnder(dir: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const info = statSync(p);
      if (info.isDirectory()) walk(p);
      else out.push({ path: p.slice(dir.length + 1), size: info.size });
    }
  };
  walk(dir);
  return out;
}
