import type { AppInstance } from '../../../app.js';
import { errorResponses, paginated, uuidParam } from '../../../shared/http/schemas.js';
import { actorFrom } from '../../audit/audit.service.js';
import { eventSchema, listEventsQuery } from './outbox.schemas.js';

const tags = ['integraciones'];

/** ADMIN view of the events sent to billing: pending, delivered and parked, with a manual retry. */
export async function outboxRoutes(app: AppInstance): Promise<void> {
  const { outbox } = app.ctx.services;

  app.get('/api/v1/integration-events', {
    config: { permission: 'integration-clients:manage' },
    schema: {
      tags, summary: 'Eventos enviados al sistema de cobranza (estado=PENDIENTE|ENVIADO|FALLIDO), más recientes primero',
      querystring: listEventsQuery, response: { 200: paginated(eventSchema), ...errorResponses },
    },
  }, async (request) => outbox.list(request.query));

  app.post('/api/v1/integration-events/:id/retry', {
    config: { permission: 'integration-clients:manage' },
    schema: {
      tags, summary: 'Reintentar un evento FALLIDO (o adelantar uno PENDIENTE): vuelve a la cola con intentos nuevos',
      params: uuidParam('id'), response: { 200: eventSchema, ...errorResponses },
    },
  }, async (request) => outbox.retry(actorFrom(request), request.params.id));
}
