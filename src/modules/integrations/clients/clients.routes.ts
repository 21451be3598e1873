import { z } from 'zod';
import type { AppInstance } from '../../../app.js';
import { errorResponses, uuidParam } from '../../../shared/http/schemas.js';
import { actorFrom } from '../../audit/audit.service.js';
import { clientSchema, clientWithKeySchema, createClientBody, rotateKeyBody } from './clients.schemas.js';

const tags = ['integraciones'];
const idParam = uuidParam('id');

/** ADMIN management of the API keys other systems use (the billing webhook). */
export async function integrationClientsRoutes(app: AppInstance): Promise<void> {
  const { integrationClients } = app.ctx.services;

  app.get('/api/v1/integration-clients', {
    config: { permission: 'integration-clients:manage' },
    schema: { tags, summary: 'Clientes de integración y sus claves (sin la clave: solo su prefijo)', response: { 200: z.object({ data: z.array(clientSchema) }), ...errorResponses } },
  }, async () => ({ data: await integrationClients.list() }));

  app.post('/api/v1/integration-clients', {
    config: { permission: 'integration-clients:manage' },
    schema: { tags, summary: 'Crear cliente de integración: la clave se muestra solo en esta respuesta', body: createClientBody, response: { 201: clientWithKeySchema, ...errorResponses } },
  }, async (request, reply) => {
    const created = await integrationClients.create(actorFrom(request), request.body);
    return reply.code(201).header('cache-control', 'no-store').header('location', `/api/v1/integration-clients/${created.id}`).send(created);
  });

  app.post('/api/v1/integration-clients/:id/rotate', {
    config: { permission: 'integration-clients:manage' },
    schema: {
      tags, summary: 'Rotar la clave: emite una nueva; las anteriores valen hasta expiresAt (24 h por defecto)',
      params: idParam, body: rotateKeyBody.nullish(), response: { 200: clientWithKeySchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const rotated = await integrationClients.rotate(actorFrom(request), request.params.id, request.body?.expiresAt);
    return reply.header('cache-control', 'no-store').send(rotated);
  });

  app.post('/api/v1/integration-clients/:id/revoke', {
    config: { permission: 'integration-clients:manage' },
    schema: { tags, summary: 'Revocar el cliente: todas sus claves dejan de valer al instante', params: idParam, response: { 200: clientSchema, ...errorResponses } },
  }, async (request) => integrationClients.revoke(actorFrom(request), request.params.id));
}
