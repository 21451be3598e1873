import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, paginated, problemSchema, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { createPatientBody, createPatientResponse, listPatientsQuery, patientSchema, updatePatientBody } from './patients.schemas.js';

const idParam = uuidParam('id');
const etag = (version: number) => `W/"${version}"`;

export async function patientsRoutes(app: AppInstance): Promise<void> {
  const { patients } = app.ctx.services;

  app.post('/api/v1/patients', {
    config: { permission: 'patients:write' },
    schema: {
      tags: ['patients'], summary: 'Registrar paciente', body: createPatientBody,
      response: { 201: createPatientResponse, ...errorResponses },
    },
  }, async (request, reply) => {
    const patient = await patients.create(actorFrom(request), request.body);
    void reply.header('etag', etag(patient.version)).header('location', `/api/v1/patients/${patient.id}`);
    return reply.code(201).send({ ...patient, patient });
  });

  app.get('/api/v1/patients', {
    config: { permission: 'patients:read' },
    schema: {
      tags: ['patients'],
      summary: 'Buscar pacientes (search: nombre, apellidos, historia clínica o documento) o consultar por documento exacto',
      querystring: listPatientsQuery,
      response: { 200: paginated(patientSchema), ...errorResponses },
    },
  }, async (request) => patients.search(actorFrom(request), request.query));

  app.get('/api/v1/patients/:id', {
    config: { permission: 'patients:read' },
    schema: { tags: ['patients'], summary: 'Ver paciente', params: idParam, response: { 200: patientSchema, ...errorResponses } },
  }, async (request, reply) => {
    const patient = await patients.get(actorFrom(request), request.params.id);
    void reply.header('etag', etag(patient.version)).header('cache-control', 'private, no-store');
    return patient;
  });

  app.put('/api/v1/patients/:id', {
    config: { permission: 'patients:write' },
    schema: {
      tags: ['patients'], summary: 'Actualizar paciente (solo los campos enviados; If-Match o version para concurrencia optimista)',
      params: idParam, body: updatePatientBody, response: { 200: patientSchema, 412: problemSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const ifMatch = request.headers['if-match'];
    const patient = await patients.update(actorFrom(request), request.params.id, request.body, typeof ifMatch === 'string' ? ifMatch : undefined);
    void reply.header('etag', etag(patient.version));
    return patient;
  });

  app.post('/api/v1/patients/:id/merge', {
    config: { permission: 'patients:merge' },
    schema: {
      tags: ['patients'], summary: 'Fusionar un paciente duplicado en el paciente vigente (ADMIN; nada se elimina)',
      params: idParam, body: z.strictObject({ into: z.uuid('into debe ser un UUID') }),
      response: { 200: z.object({ patient_id: z.uuid(), mergedFrom: z.uuid(), moved: z.record(z.string(), z.number()) }), ...errorResponses },
    },
  }, async (request) => patients.merge(actorFrom(request), request.params.id, request.body.into));
}
