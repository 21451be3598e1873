import { and, asc, count, eq, lt, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { PatientsService } from '../patients/patients.service.js';
import { renhiceExports } from './reports.table.js';

/** Ley 30024 / Directiva Administrativa 373-MINSA/OGTI-2025: a closed encounter reaches RENHICE within 24 h. */
export const RENHICE_DUE_MS = 24 * 3_600_000;

export const RENHICE_ESTADOS = ['PENDIENTE', 'ENVIADO', 'ERROR'] as const;
type Estado = (typeof RENHICE_ESTADOS)[number];
type RenhiceRow = typeof renhiceExports.$inferSelect;

/**
 * The RENHICE export queue. Finalizing an attention queues it in the same transaction, so no
 * closed encounter is ever missing from the queue; a later connector sends and updates rows.
 */
export class RenhiceService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    attentions: AttentionsService,
    patients: PatientsService,
  ) {
    attentions.onFinalized(async (tx, attention, actor) => {
      const finalizedAt = attention.finalizedAt ?? new Date();
      const [row] = await tx.insert(renhiceExports).values({
        attentionId: attention.id, patientId: attention.patientId, finalizedAt, dueAt: new Date(finalizedAt.getTime() + RENHICE_DUE_MS),
      }).onConflictDoNothing({ target: renhiceExports.attentionId }).returning({ id: renhiceExports.id, dueAt: renhiceExports.dueAt });
      if (row) {
        await this.audit.record(tx, actor, { action: 'RENHICE_EXPORT_QUEUED', entity: 'renhice_export', entityId: row.id, patientId: attention.patientId, details: { attention_id: attention.id, dueAt: row.dueAt.toISOString() } });
      }
    });
    patients.onMerge(async (tx, fromId, intoId) => {
      const moved = await tx.update(renhiceExports).set({ patientId: intoId, updatedAt: new Date() })
        .where(eq(renhiceExports.patientId, fromId)).returning({ id: renhiceExports.id });
      return { renhiceExports: moved.length };
    });
  }

  private dto(r: RenhiceRow, now: Date) {
    return {
      id: r.id, attention_id: r.attentionId, patient_id: r.patientId, estado: r.estado as Estado, intentos: r.intentos,
      finalizedAt: r.finalizedAt.toISOString(), dueAt: r.dueAt.toISOString(),
      vencido: r.estado !== 'ENVIADO' && r.dueAt.getTime() < now.getTime(),
      ultimoIntentoAt: r.ultimoIntentoAt?.toISOString() ?? null, ultimoError: r.ultimoError, enviadoAt: r.enviadoAt?.toISOString() ?? null,
    };
  }

  async list(actor: AuditActor, q: { estado?: Estado | undefined; vencidos?: boolean | undefined; limit: number; offset: number }, now = new Date()) {
    const conditions: SQL[] = [];
    if (q.estado) conditions.push(eq(renhiceExports.estado, q.estado));
    if (q.vencidos) conditions.push(ne(renhiceExports.estado, 'ENVIADO'), lt(renhiceExports.dueAt, now));
    const where = conditions.length ? and(...conditions) : undefined;
    const overdue = and(ne(renhiceExports.estado, 'ENVIADO'), lt(renhiceExports.dueAt, now));
    const [rows, totals, pending, late] = await Promise.all([
      this.db.select().from(renhiceExports).where(where).orderBy(asc(renhiceExports.dueAt), asc(renhiceExports.id)).limit(q.limit).offset(q.offset),
      this.db.select({ n: count() }).from(renhiceExports).where(where),
      this.db.select({ n: count() }).from(renhiceExports).where(ne(renhiceExports.estado, 'ENVIADO')),
      this.db.select({ n: count() }).from(renhiceExports).where(overdue),
    ]);
    await this.audit.recordRead(actor, {
      action: 'REPORT_GENERATED', entity: 'report',
      details: { reporte: 'renhice', estado: q.estado ?? null, vencidos: q.vencidos ?? false, filas: rows.length, patientIds: [...new Set(rows.map((r) => r.patientId))] },
    });
    return {
      data: rows.map((r) => this.dto(r, now)), total: Number(totals[0]?.n ?? 0), limit: q.limit, offset: q.offset,
      resumen: { porEnviar: Number(pending[0]?.n ?? 0), vencidos: Number(late[0]?.n ?? 0) },
    };
  }
}
