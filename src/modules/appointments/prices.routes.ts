import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { priceBody, priceListSchema, priceSchema } from './prices.schemas.js';

export async function pricesRoutes(app: AppInstance): Promise<void> {
  const { prices } = app.ctx.services;
  const idParam = uuidParam('id');

  app.get('/api/v1/service-types/:id/prices', {
    config: { permission: 'service-types:read' },
    schema: { tags: ['agenda'], summary: 'Tarifario del tipo de servicio: precio vigente, programados e historial (con códigos SUNAT)', params: idParam, response: { 200: priceListSchema, ...errorResponses } },
  }, async (request) => prices.list(request.params.id));

  app.post('/api/v1/service-types/:id/prices', {
    config: { permission: 'service-types:write' },
    schema: {
      tags: ['agenda'], summary: 'Registrar un precio con vigencia (ADMIN); rige desde hoy o una fecha futura y nunca reemplaza a uno registrado',
      params: idParam, body: priceBody, response: { 201: priceSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.code(201).send(await prices.create(actorFrom(request), request.params.id, request.body)));

  app.addHook('onReady', async () => prices.startScheduler());
  app.addHook('onClose', async () => prices.stopScheduler());
}
