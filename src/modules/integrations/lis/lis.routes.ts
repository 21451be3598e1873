import { z } from 'zod';
import type { AppInstance } from '../../../app.js';
import { errorResponses } from '../../../shared/http/schemas.js';
import { actorFrom } from '../../audit/audit.service.js';
import { sendUpstreamDocument } from '../http/document-reply.js';
import { patientIdQuery, proxyAnswer, upstreamErrorResponses } from '../http/proxy-schemas.js';

const lisResult = z.object({
  resultId: z.string(),
  testDate: z.string().nullable().describe('YYYY-MM-DD o instante ISO 8601 (UTC)'),
  testCode: z.string().nullable(),
  testName: z.string().nullable(),
  category: z.string().nullable().describe('BIOQUIMICA, HEMATOLOGIA, MICROBIOLOGIA, PATOLOGIA, INMUNOLOGIA u otra'),
  resultValue: z.string().nullable(),
  units: z.string().nullable(),
  referenceRange: z.string().nullable(),
  abnormal: z.boolean().nullable().describe('true fuera de rango o marcado H/L/A; null si el LIS no lo indica'),
  status: z.string().nullable(),
  reportText: z.string().nullable().describe('Texto narrativo (patología, cultivos, conclusión)'),
  reportUrl: z.string().nullable().describe('Enlace HCE autenticado al informe (o enlace público del LIS)'),
  orderNumber: z.string().nullable(),
  order_id: z.string().nullable().describe('Orden del HCE a la que responde este resultado, si se reconoce'),
});

export async function lisRoutes(app: AppInstance): Promise<void> {
  const { lis } = app.ctx.services;

  app.get('/api/v1/integracion/lis/results', {
    config: { permission: 'results:read' },
    schema: {
      tags: ['integraciones'],
      summary: 'Resultados de laboratorio del paciente en el LIS (normalizados; stale: true si el LIS falla y hay respuesta previa)',
      querystring: patientIdQuery,
      response: { 200: proxyAnswer(lisResult), ...errorResponses, ...upstreamErrorResponses },
    },
  }, async (request, reply) => {
    const answer = await lis.listForPatient(actorFrom(request), request.query.patient_id);
    void reply.header('cache-control', 'private, no-store');
    return answer;
  });

  app.get('/api/v1/integracion/lis/results/:resultId/report', {
    config: { permission: 'results:read' },
    schema: {
      tags: ['integraciones'],
      summary: 'Informe del resultado, servido por el HCE desde el LIS (PDF, texto o imagen)',
      params: z.object({ resultId: z.string().min(1).max(200) }),
      querystring: patientIdQuery,
      response: { ...errorResponses, ...upstreamErrorResponses },
    },
  }, async (request, reply) => sendUpstreamDocument(reply,
    await lis.resultReport(actorFrom(request), request.query.patient_id, request.params.resultId)));
}
