import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { patientSummarySchema } from './summary.schemas.js';

export async function patientSummaryRoutes(app: AppInstance): Promise<void> {
  const { patientSummary } = app.ctx.services;

  // MEDICO only (patients:summary): the view holds diagnoses and PACS/LIS results, which the
  // ASISTENTE role does not see anywhere else either.
  app.get('/api/v1/patients/:id/summary', {
    config: { permission: 'patients:summary' },
    schema: {
      tags: ['patients'],
      summary: 'Vista unificada del paciente para el médico: datos, alergias, antecedentes, medicación, atenciones recientes, próximas citas, PACS y LIS (cada sección con su estado)',
      params: uuidParam('id'),
      response: { 200: patientSummarySchema, ...errorResponses },
    },
  }, async (request, reply) => {
    void reply.header('cache-control', 'private, no-store');
    return patientSummary.summary(actorFrom(request), request.params.id);
  });
}
