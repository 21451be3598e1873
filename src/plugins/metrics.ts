import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/client.js';
import { UnauthorizedError } from '../shared/errors.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  integrationDuration: Histogram<'system' | 'outcome'>;
  integrationErrors: Counter<'system' | 'code'>;
  auditChainValid: Gauge;
}

export function createMetrics(database: Database): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hce_' });
  const httpDuration = new Histogram({
    name: 'hce_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'hce_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  const integrationDuration = new Histogram({
    name: 'hce_integration_call_duration_seconds',
    help: 'Calls to external systems (PACS, LIS, billing) by outcome',
    labelNames: ['system', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2, 5],
    registers: [registry],
  });
  const integrationErrors = new Counter({
    name: 'hce_integration_errors_total',
    help: 'Failed calls to external systems by error code',
    labelNames: ['system', 'code'] as const,
    registers: [registry],
  });
  const auditChainValid = new Gauge({
    name: 'hce_audit_chain_valid',
    help: '1 when the last audit-chain verification found no broken link, 0 otherwise',
    registers: [registry],
  });
  return { registry, httpDuration, integrationDuration, integrationErrors, auditChainValid };
}

export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (token) {
      const given = Buffer.from(String(request.headers.authorization ?? ''));
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new UnauthorizedError('METRICS_TOKEN_REQUIRED', 'Se requiere el token de métricas.');
      }
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
