import { z } from 'zod';
import type { AppInstance } from '../../../app.js';
import { errorResponses } from '../../../shared/http/schemas.js';
import { actorFrom } from '../../audit/audit.service.js';
import { sendUpstreamDocument } from '../http/document-reply.js';
import { patientIdQuery, proxyAnswer, upstreamErrorResponses } from '../http/proxy-schemas.js';

const pacsStudy = z.object({
  studyId: z.string(),
  studyDate: z.string().nullable().describe('YYYY-MM-DD'),
  modality: z.string().nullable().describe('CR, CT, MR, US…; varias separadas por coma'),
  description: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  reportUrl: z.string().nullable().describe('Enlace HCE autenticado al informe (o enlace público del PACS); null sin informe'),
  thumbnailUrl: z.string().nullable().describe('Enlace HCE autenticado a la miniatura; null si no hay'),
  hasReport: z.boolean(),
});

const studyParams = z.object({ studyId: z.string().min(1).max(200) });

const documentSchema = (summary: string) => ({
  tags: ['integraciones'],
  summary,
  params: studyParams,
  querystring: patientIdQuery,
  response: { ...errorResponses, ...upstreamErrorResponses },
});

export async function pacsRoutes(app: AppInstance): Promise<void> {
  const { pacs } = app.ctx.services;

  app.get('/api/v1/integracion/pacs/studies', {
    config: { permission: 'results:read' },
    schema: {
      tags: ['integraciones'],
      summary: 'Estudios de imágenes del paciente en el PACS (normalizados; stale: true si el PACS falla y hay respuesta previa)',
      querystring: patientIdQuery,
      response: { 200: proxyAnswer(pacsStudy), ...errorResponses, ...upstreamErrorResponses },
    },
  }, async (request, reply) => {
    const answer = await pacs.listForPatient(actorFrom(request), request.query.patient_id);
    void reply.header('cache-control', 'private, no-store');
    return answer;
  });

  app.get('/api/v1/integracion/pacs/studies/:studyId/report', {
    config: { permission: 'results:read' },
    schema: documentSchema('Informe del estudio, servido por el HCE desde el PACS (PDF, texto o imagen)'),
  }, async (request, reply) => sendUpstreamDocument(reply,
    await pacs.studyDocument(actorFrom(request), request.query.patient_id, request.params.studyId, 'report')));

  app.get('/api/v1/integracion/pacs/studies/:studyId/thumbnail', {
    config: { permission: 'results:read' },
    schema: documentSchema('Miniatura del estudio (JPEG/PNG), servida por el HCE desde el PACS'),
  }, async (request, reply) => sendUpstreamDocument(reply,
    await pacs.studyDocument(actorFrom(request), request.query.patient_id, request.params.studyId, 'thumbnail')));
}
