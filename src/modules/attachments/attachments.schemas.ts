import { z } from 'zod';
import { longText, text } from '../../shared/http/validators.js';
import { paginated } from '../../shared/http/schemas.js';
import { MAX_FILE_NAME } from './file-name.js';

/** Text fields of the multipart form (the file travels in the part named "file"). */
export const uploadFields = z.strictObject({
  // Raw on purpose: the name is sanitised (path parts and control characters stripped), not refused.
  fileName: z.string().max(1000, 'No puede superar 1000 caracteres').optional(),
  fileType: text(200).optional(),
  description: longText(1000).optional(),
});
export type UploadFields = z.infer<typeof uploadFields>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  incluirEliminados: bool.optional(),
});

export const contentQuery = z.strictObject({
  incluirEliminados: bool.optional(),
  descargar: bool.optional(),
});

/** Loose on purpose: a malformed signed link is a refused link (403), not a form error. */
export const signedContentQuery = z.object({
  exp: z.string().max(20).optional(),
  uid: z.string().max(64).optional(),
  sig: z.string().max(128).optional(),
  descargar: z.string().max(5).optional(),
});

export const deleteQuery = z.strictObject({ motivo: text(500).optional() });

export const attachmentSchema = z.object({
  id: z.string(),
  attachment_id: z.string(),
  attention_id: z.string(),
  fileName: z.string().max(MAX_FILE_NAME),
  fileType: z.string(),
  description: z.string().nullable(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  urlPath: z.string().describe('Ruta estable de la API (requiere el token Bearer)'),
  signedUrl: z.string().describe('La misma ruta firmada, válida por poco tiempo y solo para el usuario que la pidió'),
  signedUrlExpiresAt: z.string(),
  adenda: z.boolean().describe('true si se agregó después de finalizar la atención (adenda encadenada)'),
  addendumSeq: z.number().int().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
  deletedAt: z.string().nullable(),
  deletedBy: z.string().nullable(),
  motivoEliminacion: z.string().nullable(),
});
export type AttachmentDto = z.infer<typeof attachmentSchema>;

export const attachmentListSchema = paginated(attachmentSchema);
