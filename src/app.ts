import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AppConfig } from './config/env.js';
import type { Database } from './db/client.js';
import { registerHealth } from './plugins/health.js';
import { createMetrics, registerMetrics, type Metrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerProblemHandlers } from './shared/http/problem.js';
import { ServiceUnavailableError } from './shared/errors.js';
import { pathOnly } from './shared/logger.js';
import { createServices, type Services } from './container.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { registerAuth, type RouteEntry } from './modules/auth/auth.plugin.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { catalogsRoutes } from './modules/catalogs/catalogs.routes.js';
import type { AuthUser } from './modules/auth/auth.types.js';
import type { Permission } from './modules/auth/permissions.js';
import { appointmentsRoutes } from './modules/appointments/appointments.routes.js';
import { attentionsRoutes } from './modules/attentions/attentions.routes.js';
import { fhirRoutes } from './modules/fhir/fhir.routes.js';
import { attachmentsRoutes } from './modules/attachments/attachments.routes.js';
import { pricesRoutes } from './modules/appointments/prices.routes.js';
import { billingRoutes } from './modules/billing/billing.routes.js';
import { consentsRoutes } from './modules/consents/consents.routes.js';
import { documentsRoutes } from './modules/documents/documents.routes.js';
import { pharmacovigilanceRoutes } from './modules/pharmacovigilance/pharmacovigilance.routes.js';
import { signatureRoutes } from './modules/signature/signature.routes.js';
import { patientsRoutes } from './modules/patients/patients.routes.js';
import { patientRightsRoutes } from './modules/patients/patient-rights.routes.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { lisRoutes } from './modules/integrations/lis/lis.routes.js';
import { pacsRoutes } from './modules/integrations/pacs/pacs.routes.js';
import { salesWebhookRoutes } from './modules/integrations/billing/billing.routes.js';
import { integrationClientsRoutes } from './modules/integrations/clients/clients.routes.js';
import { outboxRoutes } from './modules/integrations/outbox/outbox.routes.js';
import { patientSummaryRoutes } from './modules/patients/summary.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import type { RateLimitStore } from './shared/rate-limit.js';
import { registerSecurityHeaders } from './shared/http/security-headers.js';
import { responseSerializerCompiler } from './shared/http/serializer.js';

z.config(z.locales.es());

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppDeps {
  config: AppConfig;
  database: Database;
  logger: Logger;
  /** Overrides for tests (e.g. a shared rate-limit store). */
  rateLimitStore?: RateLimitStore;
  /** Set by the server on SIGTERM: new requests get 503 SHUTTING_DOWN while in-flight ones finish. */
  lifecycle?: { draining: boolean };
}

/** What every module receives: configuration, database and shared services. */
export interface AppContext extends AppDeps {
  metrics: Metrics;
  services: Services;
  routes: RouteEntry[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes open without authentication (health, docs, login…). */
    public?: boolean;
    /** Named permission the route requires (see modules/auth/permissions.ts). */
    permission?: Permission;
    /** Route authenticated by an integration API key (X-API-Key) instead of a user JWT. */
    apiKey?: boolean;
  }
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyRequest {
    user?: AuthUser;
  }
}

/** Adds fields to the request's own child logger (pino's setBindings; Fastify's logger type omits it). */
function bindLogFields(request: FastifyRequest, bindings: Record<string, unknown>): void {
  (request.log as unknown as Logger).setBindings(bindings);
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(deps: AppDeps): Promise<AppInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger,
    https: config.tls
      ? { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }
      : null,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>() as unknown as AppInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);

  const metrics = createMetrics(deps.database);
  const services = createServices({ ...deps, metrics, ...(deps.rateLimitStore ? { rateLimitStore: deps.rateLimitStore } : {}) });
  const routes: RouteEntry[] = [];
  app.decorate('ctx', { ...deps, metrics, services, routes });

  // Before the auth hook so 401/403 answers also carry the request id and security headers.
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Every line logged for this request (requestId is already bound) names its route… (bound
    // on the request's own child logger: a further child per request costs as much again)
    bindLogFields(request, { route: request.routeOptions.url ?? null });
  });
  if (deps.lifecycle) {
    const lifecycle = deps.lifecycle;
    app.addHook('onRequest', async (request, reply) => {
      // Liveness stays 200: the process is healthy, only leaving.
      if (!lifecycle.draining || request.routeOptions.url === '/health/live') return;
      void reply.header('connection', 'close');
      throw new ServiceUnavailableError('SHUTTING_DOWN', 'El servidor se está deteniendo; reintente en unos segundos.', 2);
    });
  }
  registerSecurityHeaders(app, {
    // The API serves JSON; Swagger UI at /docs needs inline scripts and styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  registerProblemHandlers(app);
  const routeTable = registerAuth(app, {
    tokens: services.tokens,
    users: services.authUsers,
    audit: services.audit,
    verifyApiKey: () => services.apiKeyVerifier,
  });

  // …and, once authenticated, its user.
  app.addHook('onRequest', async (request) => {
    if (request.user) bindLogFields(request, { userId: request.user.id });
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: pathOnly(request.url),
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
      },
      'request completed',
    );
  });

  // Without configured origins no browser of another origin may call the API: no CORS headers,
  // preflights 404. The plugin would run its hook on every request only to conclude that.
  if (config.CORS_ORIGINS.length > 0) {
    await app.register(cors, {
      origin: config.CORS_ORIGINS,
      credentials: false,
      exposedHeaders: ['x-request-id', 'etag', 'retry-after', 'idempotent-replayed', 'content-disposition'],
    });
  }

  await registerOpenApi(app);
  registerMetrics(app, metrics, config.METRICS_TOKEN);
  registerHealth(app, deps.database);

  await app.register(authRoutes);
  await app.register(usersRoutes);
  await app.register(auditRoutes);
  await app.register(catalogsRoutes);
  await app.register(patientsRoutes);
  await app.register(pacsRoutes);
  await app.register(lisRoutes);
  await app.register(integrationClientsRoutes);
  await app.register(outboxRoutes);
  await app.register(salesWebhookRoutes);
  await app.register(patientSummaryRoutes);
  await app.register(appointmentsRoutes);
  await app.register(attentionsRoutes);
  await app.register(fhirRoutes, { prefix: '/fhir/r4' });
  await app.register(patientRightsRoutes);
  await app.register(reportsRoutes);
  await app.register(attachmentsRoutes);
  await app.register(pricesRoutes);
  await app.register(signatureRoutes);
  await app.register(consentsRoutes);
  await app.register(pharmacovigilanceRoutes);
  await app.register(documentsRoutes);
  await app.register(billingRoutes);

  app.addHook('onReady', async () => {
    routes.push(...routeTable);
    services.audit.startSealer(config.AUDIT_SEAL_INTERVAL_MS);
  });
  app.addHook('onClose', async () => {
    await services.outbox.stop();
    await services.auth.drain();
    await services.audit.stopSealer();
    await services.rateLimiter.store.close();
    services.mailer.close();
    await services.storage.close();
  });

  return app;
}
