import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { dataConsentBody, dataConsentSchema, dataConsentStateSchema, informedConsentBody, informedConsentSchema, revokeQuery } from './consents.schemas.js';

export async function consentsRoutes(app: AppInstance): Promise<void> {
  const { consents } = app.ctx.services;
  const idParam = uuidParam('id');
  const patientTags = ['pacientes'];
  const clinicalTags = ['historia clínica'];

  app.get('/api/v1/patients/:id/consentimiento-datos', {
    config: { permission: 'patients:read' },
    schema: { tags: patientTags, summary: 'Consentimiento para el tratamiento de datos de salud (Ley 29733): vigente e historial', params: idParam, response: { 200: dataConsentStateSchema, ...errorResponses } },
  }, async (request) => consents.dataConsentState(actorFrom(request), request.params.id));

  app.post('/api/v1/patients/:id/consentimiento-datos', {
    config: { permission: 'patients:write' },
    schema: { tags: patientTags, summary: 'Registrar la declaración del paciente (otorga o no); reemplaza a la vigente, que queda en el historial', params: idParam, body: dataConsentBody, response: { 201: dataConsentSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await consents.declare(actorFrom(request), request.params.id, request.body)));

  app.delete('/api/v1/patients/:id/consentimiento-datos', {
    config: { permission: 'patients:write' },
    schema: { tags: patientTags, summary: 'Revocar el consentimiento vigente (se marca revocado, nunca se borra)', params: idParam, querystring: revokeQuery, response: { 200: dataConsentSchema, ...errorResponses } },
  }, async (request) => consents.revoke(actorFrom(request), request.params.id, request.query.motivo));

  app.post('/api/v1/medical_attentions/:id/consents', {
    config: { permission: 'attentions:addendum' },
    schema: { tags: clinicalTags, summary: 'Registrar un consentimiento informado (también después de finalizar; menores: firma el apoderado)', params: idParam, body: informedConsentBody, response: { 201: informedConsentSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await consents.addInformed(actorFrom(request), request.user!, request.params.id, request.body)));

  app.get('/api/v1/medical_attentions/:id/consents', {
    config: { permission: 'attentions:read' },
    schema: { tags: clinicalTags, summary: 'Consentimientos informados de la atención', params: idParam, response: { 200: z.object({ data: z.array(informedConsentSchema) }), ...errorResponses } },
  }, async (request) => consents.listInformed(actorFrom(request), request.params.id));
}
