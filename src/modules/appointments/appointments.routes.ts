import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, paginated, problemSchema, uuidParam } from '../../shared/http/schemas.js';
import { booleanQuery } from '../../shared/http/validators.js';
import { actorFrom } from '../audit/audit.service.js';
import { appointmentSchema, createAppointmentBody, listAppointmentsQuery, serviceTypeBody, serviceTypeSchema, updateAppointmentBody, updateServiceTypeBody } from './appointments.schemas.js';
import { toServiceTypeDto } from './service-types.service.js';

const idParam = uuidParam('id');
const etag = (version: number) => `W/"${version}"`;

export async function appointmentsRoutes(app: AppInstance): Promise<void> {
  const { appointments, serviceTypes } = app.ctx.services;

  app.get('/api/v1/service-types', {
    config: { permission: 'service-types:read' },
    schema: {
      tags: ['agenda'], summary: 'Tipos de servicio (activos; incluirInactivos=true para todos)',
      querystring: z.strictObject({ incluirInactivos: booleanQuery.optional() }),
      response: { 200: z.object({ data: z.array(serviceTypeSchema) }), ...errorResponses },
    },
  }, async (request) => ({ data: await serviceTypes.list(request.query.incluirInactivos ?? false) }));

  app.post('/api/v1/service-types', {
    config: { permission: 'service-types:write' },
    schema: { tags: ['agenda'], summary: 'Crear tipo de servicio (ADMIN)', body: serviceTypeBody, response: { 201: serviceTypeSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(toServiceTypeDto(await serviceTypes.create(actorFrom(request), request.body))));

  app.put('/api/v1/service-types/:id', {
    config: { permission: 'service-types:write' },
    schema: { tags: ['agenda'], summary: 'Actualizar tipo de servicio (ADMIN)', params: idParam, body: updateServiceTypeBody, response: { 200: serviceTypeSchema, ...errorResponses } },
  }, async (request) => toServiceTypeDto(await serviceTypes.update(actorFrom(request), request.params.id, request.body)));

  app.post('/api/v1/appointments', {
    config: { permission: 'appointments:create' },
    schema: {
      tags: ['agenda'], summary: 'Crear cita', body: createAppointmentBody,
      response: { 201: appointmentSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const appointment = await appointments.create(actorFrom(request), request.body);
    void reply.header('etag', etag(appointment.version)).header('location', `/api/v1/appointments/${appointment.id}`);
    return reply.code(201).send(appointment);
  });

  app.get('/api/v1/appointments', {
    config: { permission: 'appointments:read' },
    schema: {
      tags: ['agenda'],
      summary: 'Citas: agenda del médico (doctor_id, start_date, end_date, status), historial del paciente (patient_id) o agenda global (date, status, service_type, infoPago); combinables',
      querystring: listAppointmentsQuery,
      response: { 200: paginated(appointmentSchema), ...errorResponses },
    },
  }, async (request) => appointments.list(actorFrom(request), request.query));

  app.get('/api/v1/appointments/:id', {
    config: { permission: 'appointments:read' },
    schema: { tags: ['agenda'], summary: 'Ver cita (con historial de reprogramaciones)', params: idParam, response: { 200: appointmentSchema, ...errorResponses } },
  }, async (request, reply) => {
    const appointment = await appointments.get(actorFrom(request), request.params.id);
    void reply.header('etag', etag(appointment.version));
    return appointment;
  });

  app.put('/api/v1/appointments/:id', {
    config: { permission: 'appointments:update' },
    schema: {
      tags: ['agenda'], summary: 'Actualizar cita (fecha, hora, doctor_id, estado, infoPago, descripcionServicio, codigoExternoCita)',
      params: idParam, body: updateAppointmentBody, response: { 200: appointmentSchema, 412: problemSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const ifMatch = request.headers['if-match'];
    const appointment = await appointments.update(actorFrom(request), request.user!, request.params.id, request.body, typeof ifMatch === 'string' ? ifMatch : undefined);
    void reply.header('etag', etag(appointment.version));
    return appointment;
  });
}
