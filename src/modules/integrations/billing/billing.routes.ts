import type { FastifyRequest } from 'fastify';
import type { AppInstance } from '../../../app.js';
import { canonicalJson } from '../../../shared/canonical-json.js';
import { sha256Hex } from '../../../shared/crypto/keyring.js';
import { AppError, ForbiddenError } from '../../../shared/errors.js';
import { errorResponses, problemSchema } from '../../../shared/http/schemas.js';
import { actorFrom } from '../../audit/audit.service.js';
import { saleBody, saleResponse } from './billing.schemas.js';

export const SALE_WEBHOOK = '/api/v1/integracion/venta-servicio';

interface Delivery {
  payloadSha256: string | null;
  idTransaccionVentas: string | null;
  outcome?: string;
}

/** The transaction id of a body that may not have passed validation yet (for the log only). */
function rawTransactionId(body: unknown): string | null {
  const tv = (body as { transaccionVenta?: { idTransaccionVentas?: unknown } } | null)?.transaccionVenta;
  const id = tv?.idTransaccionVentas;
  return typeof id === 'string' && id.length <= 100 ? id.trim() : null;
}

function problemCode(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** RF7.1: POST /api/v1/integracion/venta-servicio, authenticated only by an integration key. */
export async function salesWebhookRoutes(app: AppInstance): Promise<void> {
  const { salesWebhook: billing, rateLimiter, audit } = app.ctx.services;
  const { config } = app.ctx;
  const deliveries = new WeakMap<FastifyRequest, Delivery>();

  // After authentication, before validation: the permission, the client's rate and the
  // hash of exactly what was sent (canonical JSON, so key order and spacing do not matter).
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.url !== SALE_WEBHOOK) return;
    deliveries.set(request, {
      payloadSha256: request.body === undefined ? null : sha256Hex(canonicalJson(request.body)),
      idTransaccionVentas: rawTransactionId(request.body),
    });
    const principal = request.user;
    if (principal?.kind !== 'integration' || !principal.permissions.includes('sales:webhook')) {
      throw new ForbiddenError('FORBIDDEN', "Esta clave de integración no tiene el permiso 'sales:webhook'.");
    }
    const wait = await rateLimiter.check({ name: 'webhook:client', max: config.RATE_LIMIT_WEBHOOK_PER_MIN, windowMs: 60_000 }, principal.id);
    if (wait > 0) {
      throw new AppError(429, 'RATE_LIMITED', 'Demasiadas solicitudes', `Se superó el límite de ${config.RATE_LIMIT_WEBHOOK_PER_MIN} entregas por minuto de este cliente; reintente en ${wait} s.`,
        undefined, { retryAfter: wait }, { 'retry-after': String(wait) });
    }
  });

  // Every delivery is logged (integration_log) whatever its outcome; refusals are audited too
  // (401s already are, by the auth hook).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== SALE_WEBHOOK) return payload;
    const delivery = deliveries.get(request);
    const status = reply.statusCode;
    const outcome = delivery?.outcome ?? problemCode(payload) ?? `HTTP_${status}`;
    const clientId = request.user?.kind === 'integration' ? request.user.id : null;
    await billing.logDelivery({
      endpoint: SALE_WEBHOOK, clientId, idTransaccionVentas: delivery?.idTransaccionVentas ?? null, payloadSha256: delivery?.payloadSha256 ?? null,
      statusCode: status, outcome, latencyMs: Math.round(reply.elapsedTime), requestId: request.id,
    });
    if (status >= 400 && status !== 401) {
      await audit.recordStandalone(actorFrom(request), {
        action: 'BILLING_SALE_REJECTED', outcome: status >= 500 ? 'FAILURE' : 'DENIED', entity: 'billing_transaction',
        entityId: delivery?.idTransaccionVentas ?? null, details: { status, code: outcome, payloadSha256: delivery?.payloadSha256 ?? null },
      });
    }
    return payload;
  });

  app.post(SALE_WEBHOOK, {
    config: { apiKey: true },
    schema: {
      tags: ['integraciones'],
      summary: 'Venta del sistema de cobranza: UPSERT del paciente y conciliación de la cita (idempotente por idTransaccionVentas)',
      description: 'Solo con la clave de integración en X-API-Key. Una repetición idéntica responde el mismo cuerpo con Idempotent-Replayed: true. Ver docs/integrations.md.',
      security: [{ apiKey: [] }],
      body: saleBody,
      response: { 200: saleResponse, ...errorResponses, 429: problemSchema },
    },
  }, async (request, reply) => {
    const delivery = deliveries.get(request)!;
    const result = await billing.receive(actorFrom(request), request.body, delivery.payloadSha256!);
    delivery.outcome = result.replayed ? 'REPETIDA' : result.body.accion;
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  });
}
