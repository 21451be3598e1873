import type { FastifyReply } from 'fastify';
import type { AppInstance } from '../../app.js';
import { errorResponses, problemSchema, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import type { IssuedDocument } from './documents.service.js';
import { verificationSchema, verifyParams } from './documents.schemas.js';

/** A patient's document: shown inline, never kept by a browser or proxy cache. */
function sendPdf(reply: FastifyReply, doc: IssuedDocument): FastifyReply {
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${doc.filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('x-verification-code', doc.code)
    .send(doc.pdf);
}

export async function documentsRoutes(app: AppInstance): Promise<void> {
  const { documents } = app.ctx.services;
  const tags = ['documentos impresos'];
  const idParam = uuidParam('id');

  app.get('/api/v1/medical_attentions/:id/receta.pdf', {
    config: { permission: 'attentions:read' },
    schema: {
      tags, summary: 'Receta médica en PDF (DCI, concentración, forma, dosis…; los controlados se omiten con nota), con código de verificación y QR',
      params: idParam, response: { ...errorResponses },
    },
  }, async (request, reply) => sendPdf(reply, await documents.receta(actorFrom(request), request.user!, request.params.id)));

  app.get('/api/v1/medical_attentions/:id/informe.pdf', {
    config: { permission: 'attentions:read' },
    schema: {
      tags, summary: 'Informe legible de la atención finalizada en PDF, con firmante, sello, código de verificación y QR',
      params: idParam, response: { ...errorResponses },
    },
  }, async (request, reply) => sendPdf(reply, await documents.informe(actorFrom(request), request.user!, request.params.id)));

  app.get('/api/v1/verify/:code', {
    config: { public: true },
    schema: {
      tags, summary: 'Verificar un documento impreso por su código (público; sin contenido clínico ni datos del paciente)',
      params: verifyParams, response: { 200: verificationSchema, 404: problemSchema, 429: problemSchema },
    },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    return documents.verify(actorFrom(request), request.params.code, request.ip);
  });
}
