import type { Multipart } from '@fastify/multipart';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ValidationError } from '../../shared/errors.js';
import type { StagedWrite } from '../../shared/storage/storage.js';
import { SNIFF_BYTES } from './file-type.js';

export interface ReceivedFile {
  clientName: string;
  mimetype: string;
  size: number;
  sha256: string;
  /** The first SNIFF_BYTES bytes, for the type check. */
  head: Buffer;
  staged: StagedWrite;
}

export interface ReceivedUpload {
  fields: Map<string, { value: string; truncated: boolean }[]>;
  file: ReceivedFile | undefined;
}

export interface UploadSink {
  maxBytes: number;
  open(): Promise<StagedWrite>;
  /** The transform applied between the inspected plaintext and the store (encryption). */
  encrypt(): Transform;
}

export const tooLarge = (maxBytes: number) => new AppError(413, 'ATTACHMENT_TOO_LARGE', 'Archivo demasiado grande',
  `El archivo supera el máximo permitido de ${Math.floor(maxBytes / 1024 / 1024 * 10) / 10} MB.`, [{ path: 'file', message: 'Archivo demasiado grande' }]);

/** Counts, hashes and keeps the head of the plaintext as it streams past. */
class Inspector extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.headBytes < SNIFF_BYTES) {
      const piece = chunk.subarray(0, SNIFF_BYTES - this.headBytes);
      this.headChunks.push(Buffer.from(piece));
      this.headBytes += piece.length;
    }
    done(null, chunk);
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Multipart and busboy failures, in the API's terms. */
function translate(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
      return new ValidationError([{ path: 'file', message: 'Envíe un solo archivo por solicitud.' }]);
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ValidationError([{ path: '(raíz)', message: 'Demasiados campos en el formulario.' }]);
    case 'FST_PROTO_VIOLATION':
      return new ValidationError([{ path: '(raíz)', message: 'Nombre de campo no permitido.' }]);
    default:
      if (error instanceof Error && /multipart|boundary|unexpected end|part terminated/i.test(error.message)) {
        return new AppError(400, 'MALFORMED_MULTIPART', 'Solicitud inválida', 'El formulario multipart está incompleto o mal formado.');
      }
      return error;
  }
}

/**
 * Reads a multipart upload whatever the order of its parts: the file is streamed (never
 * buffered) through the inspector and the encryption into a staged write as it arrives,
 * fields are collected before or after it, and everything is validated afterwards by the
 * caller. Any failure discards the staged file.
 */
export async function receiveUpload(parts: AsyncIterable<Multipart>, sink: UploadSink): Promise<ReceivedUpload> {
  const fields = new Map<string, { value: string; truncated: boolean }[]>();
  let file: ReceivedFile | undefined;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        const list = fields.get(part.fieldname) ?? [];
        list.push({ value: typeof part.value === 'string' ? part.value : String(part.value), truncated: part.valueTruncated });
        fields.set(part.fieldname, list);
        continue;
      }
      if (part.fieldname !== 'file' || file) {
        // Consumed so the parser can reach the parts after it.
        (part.file as Readable).resume();
        await new Promise((resolve) => part.file.once('end', resolve).once('close', resolve));
        if (file) throw new ValidationError([{ path: 'file', message: 'Envíe un solo archivo por solicitud.' }]);
        throw new ValidationError([{ path: part.fieldname.slice(0, 50), message: 'El archivo debe enviarse en el campo "file".' }]);
      }
      const staged = await sink.open();
      const inspector = new Inspector();
      file = { clientName: part.filename, mimetype: part.mimetype, size: 0, sha256: '', head: Buffer.alloc(0), staged };
      await pipeline(part.file, inspector, sink.encrypt(), staged.stream);
      if (part.file.truncated) throw tooLarge(sink.maxBytes);
      Object.assign(file, { size: inspector.size, sha256: inspector.digest(), head: inspector.head });
    }
  } catch (error) {
    await file?.staged.discard();
    throw translate(error, sink.maxBytes);
  }
  return { fields, file };
}
