import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { accessLogQuery, accessLogSchema, patientExportSchema } from './patient-rights.schemas.js';

/** Ley 29733 rights of access: the record's access log and its complete export (ADMIN). */
export async function patientRightsRoutes(app: AppInstance): Promise<void> {
  const { patientRights } = app.ctx.services;

  app.get('/api/v1/patients/:id/access-log', {
    config: { permission: 'patients:export' },
    schema: {
      tags: ['patients'], summary: 'Quién leyó o modificó la historia del paciente y cuándo (auditoría; más reciente primero)',
      params: uuidParam('id'), querystring: accessLogQuery, response: { 200: accessLogSchema, ...errorResponses },
    },
  }, async (request) => patientRights.accessLog(actorFrom(request), request.params.id, request.query));

  app.get('/api/v1/patients/:id/export', {
    config: { permission: 'patients:export' },
    schema: {
      tags: ['patients'], summary: 'Historia clínica completa del paciente en JSON, para solicitudes de acceso (auditada como PATIENT_EXPORTED)',
      params: uuidParam('id'), response: { 200: patientExportSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await patientRights.export(actorFrom(request), request.params.id);
    void reply.header('content-disposition', `attachment; filename="historia_${result.paciente.numeroHistoriaClinica}.json"`).header('cache-control', 'private, no-store');
    return result;
  });
}
