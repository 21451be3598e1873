import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { PROBLEM_CONTENT_TYPE } from '../shared/http/problem.js';
import { problemSchema } from '../shared/http/schemas.js';

const healthSchema = z.object({ status: z.string(), database: z.string().optional() });

export function registerHealth(app: FastifyInstance, database: Database): void {
  app.get('/health/live', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'El proceso está vivo', response: { 200: healthSchema } },
  }, async () => ({ status: 'ok' }));

  app.get('/health/ready', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Listo para atender (base de datos accesible)', response: { 200: healthSchema, 503: problemSchema } },
  }, async (request, reply) => {
    try {
      await database.ping(1000);
      return { status: 'ok', database: 'up' };
    } catch (error) {
      request.log.warn({ err: { message: (error as Error).message } }, 'readiness check failed');
      return reply.code(503).type(PROBLEM_CONTENT_TYPE).send({
        type: 'https://hce.local/problems/db-unavailable',
        title: 'Servicio no disponible',
        status: 503,
        code: 'DB_UNAVAILABLE',
        detail: 'La base de datos no responde.',
        requestId: request.id,
      });
    }
  });
}
