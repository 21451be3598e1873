import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { AppError } from '../../shared/errors.js';
import { errorResponses, problemSchema, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import type { AttachmentDownload } from './attachment-content.js';
import { attachmentListSchema, attachmentSchema, contentQuery, deleteQuery, listQuery, signedContentQuery } from './attachments.schemas.js';

const tags = ['adjuntos'];
const attentionParam = uuidParam('attention_id');
const idParam = uuidParam('id');
const binary = z.any().describe('Contenido del archivo (PDF, JPEG, PNG, TIFF, DICOM o texto plano)');
const uploadErrors = { ...errorResponses, 413: problemSchema, 415: problemSchema };
const contentErrors = { ...errorResponses, 410: problemSchema, 500: problemSchema };

// Types a browser can show itself; TIFF and DICOM need a viewer, so they download.
const INLINE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'text/plain']);

/** RFC 6266 with an RFC 8187 UTF-8 name and a plain-ASCII fallback for old clients. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function sendDownload(reply: FastifyReply, file: AttachmentDownload, download: boolean): FastifyReply {
  const kind = download || !INLINE_TYPES.has(file.fileType) ? 'attachment' : 'inline';
  return reply
    .type(file.fileType === 'text/plain' ? 'text/plain; charset=utf-8' : file.fileType)
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(kind, file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    // The file is shown, never run: no scripts, no framing by other sites.
    .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'")
    .send(file.stream);
}

export async function attachmentsRoutes(app: AppInstance): Promise<void> {
  const { attachments, attachmentContent } = app.ctx.services;
  const maxBytes = attachments.options.maxBytes;

  // Multipart only in this plugin's scope, with the configured file size (413 above it).
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 12, fieldSize: 4096, fieldNameSize: 100, headerPairs: 50 } });

  app.post('/api/v1/medical_attentions/:attention_id/attachments', {
    config: { permission: 'attentions:addendum' },
    schema: {
      tags, consumes: ['multipart/form-data'],
      summary: 'Adjuntar un archivo (multipart: file, fileName, fileType, description); cualquier médico, también como adenda tras finalizar',
      description: `Tipos admitidos según el contenido (no la declaración): PDF, JPEG, PNG, TIFF, DICOM, texto plano UTF-8. Máximo ${maxBytes} bytes.`,
      params: attentionParam, response: { 201: attachmentSchema, ...uploadErrors },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Tipo de contenido no soportado', 'Envíe el archivo como multipart/form-data en el campo "file".');
    }
    const created = await attachments.upload(actorFrom(request), request.user!, request.params.attention_id, request.parts());
    return reply.code(201).send(created);
  });

  app.get('/api/v1/medical_attentions/:attention_id/attachments', {
    config: { permission: 'attentions:read' },
    schema: { tags, summary: 'Adjuntos de la atención (metadatos, con enlace firmado para el usuario)', params: attentionParam, querystring: listQuery, response: { 200: attachmentListSchema, ...errorResponses } },
  }, async (request) => attachments.list(actorFrom(request), request.user!, request.params.attention_id, request.query));

  // No automatic HEAD twins: they would open, audit and discard a download.
  app.get('/api/v1/attachments/:id/content', {
    config: { permission: 'attentions:read' },
    exposeHeadRoute: false,
    schema: { tags, summary: 'Descargar el archivo (token Bearer); se verifica su SHA-256 al enviarlo', params: idParam, querystring: contentQuery, response: { 200: binary, ...contentErrors } },
  }, async (request, reply) => sendDownload(reply,
    await attachmentContent.open(actorFrom(request), request.params.id, { includeDeleted: request.query.incluirEliminados ?? false, via: 'token' }),
    request.query.descargar ?? false));

  app.get('/api/v1/attachments/:id/signed-content', {
    // Public route: the HMAC signature, its expiry and the bound user's status are the credential.
    config: { public: true },
    exposeHeadRoute: false,
    schema: { tags, summary: 'Descargar con enlace firmado (sin cabeceras; caduca y está ligado al usuario que lo pidió)', params: idParam, querystring: signedContentQuery, response: { 200: binary, ...contentErrors } },
  }, async (request, reply) => sendDownload(reply,
    await attachmentContent.openSigned(actorFrom(request), request.params.id, request.query), request.query.descargar === 'true'));

  app.delete('/api/v1/attachments/:id', {
    config: { permission: 'attentions:addendum' },
    schema: { tags, summary: 'Eliminar un adjunto (borrado lógico; solo quien lo subió y con la atención abierta)', params: idParam, querystring: deleteQuery, response: { 204: z.null(), ...errorResponses } },
  }, async (request, reply) => {
    await attachments.softDelete(actorFrom(request), request.user!, request.params.id, request.query.motivo);
    return reply.code(204).send(null);
  });
}
