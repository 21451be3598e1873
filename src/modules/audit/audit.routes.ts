import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, paginated } from '../../shared/http/schemas.js';
import { actorFrom } from './audit.service.js';
import { auditChain, auditEvents } from './audit.table.js';

const auditEventSchema = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorKind: z.string().nullable(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  patientId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  sealed: z.boolean(),
});

const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Fecha u hora inválida (ISO 8601)');

export async function auditRoutes(app: AppInstance): Promise<void> {
  const { audit } = app.ctx.services;
  const { db } = app.ctx.database;

  app.get('/api/v1/audit', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'], summary: 'Consultar la auditoría',
      querystring: z.strictObject({
        actor_id: z.uuid().optional(),
        patient_id: z.uuid().optional(),
        action: z.string().max(64).optional(),
        outcome: z.enum(['SUCCESS', 'FAILURE', 'DENIED']).optional(),
        desde: dateTime.optional(),
        hasta: dateTime.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: paginated(auditEventSchema), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const conditions: SQL[] = [];
    if (q.actor_id) conditions.push(eq(auditEvents.actorId, q.actor_id));
    if (q.patient_id) conditions.push(eq(auditEvents.patientId, q.patient_id));
    if (q.action) conditions.push(eq(auditEvents.action, q.action));
    if (q.outcome) conditions.push(eq(auditEvents.outcome, q.outcome));
    if (q.desde) conditions.push(gte(auditEvents.occurredAt, new Date(q.desde)));
    if (q.hasta) conditions.push(lte(auditEvents.occurredAt, new Date(q.hasta)));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, totals] = await Promise.all([
      db.select({ event: auditEvents, sealed: sql<boolean>`EXISTS (SELECT 1 FROM ${auditChain} WHERE ${auditChain.eventId} = ${auditEvents.id})` })
        .from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(q.limit).offset(q.offset),
      db.select({ n: count() }).from(auditEvents).where(where),
    ]);
    await audit.recordRead(actorFrom(request), { action: 'AUDIT_READ', details: { filters: { ...q } } });
    return {
      data: rows.map(({ event: r, sealed }) => ({
        id: r.id, occurredAt: r.occurredAt.toISOString(), actorId: r.actorId, actorRole: r.actorRole, actorKind: r.actorKind,
        action: r.action, entity: r.entity, entityId: r.entityId, patientId: r.patientId, ip: r.ip, userAgent: r.userAgent,
        requestId: r.requestId, outcome: r.outcome, details: r.details, sealed,
      })),
      total: Number(totals[0]?.n ?? 0), limit: q.limit, offset: q.offset,
    };
  });

  app.get('/api/v1/audit/verify', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'], summary: 'Sellar eventos pendientes y verificar la cadena de hashes',
      response: {
        200: z.object({ valid: z.boolean(), checked: z.number().int(), sealedNow: z.number().int(), brokenId: z.number().int().nullable(), brokenSeq: z.number().int().nullable(), reason: z.string().nullable() }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const result = await audit.verify();
    app.ctx.metrics.auditChainValid.set(result.valid ? 1 : 0);
    await audit.recordStandalone(actorFrom(request), { action: 'AUDIT_VERIFIED', outcome: result.valid ? 'SUCCESS' : 'FAILURE', details: { ...result } });
    return result;
  });
}
