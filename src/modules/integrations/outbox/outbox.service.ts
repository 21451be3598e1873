import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AppConfig } from '../../../config/env.js';
import type { Db, Tx } from '../../../db/client.js';
import type { Keyring } from '../../../shared/crypto/keyring.js';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
import type { AppointmentsService } from '../../appointments/appointments.service.js';
import type { AttentionsService } from '../../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../../audit/audit.service.js';
import { OutboxDispatcher, OUTBOX_AAD } from './outbox.dispatcher.js';
import { appointmentEventData, attentionEventData, type EventSources } from './outbox.events.js';
import { OUTBOX_EVENT_TYPES, type EventDto, type ListEventsQuery, type OutboxEventType } from './outbox.schemas.js';
import { integrationOutbox } from './outbox.table.js';

export interface OutboxDeps extends EventSources {
  db: Db;
  config: AppConfig;
  logger: Logger;
  keyring: Keyring;
  audit: AuditService;
  appointments: AppointmentsService;
  attentions: AttentionsService;
}

type OutboxRow = typeof integrationOutbox.$inferSelect;

function toDto(row: OutboxRow): EventDto {
  return {
    id: row.id, eventType: OUTBOX_EVENT_TYPES.find((t) => t === row.eventType) ?? 'appointment.created', aggregateId: row.aggregateId,
    destino: row.destino, estado: row.estado === 'ENVIADO' || row.estado === 'FALLIDO' ? row.estado : 'PENDIENTE', attempts: row.attempts,
    nextAttemptAt: row.estado === 'PENDIENTE' ? row.nextAttemptAt.toISOString() : null, lastStatus: row.lastStatus, lastError: row.lastError,
    createdAt: row.createdAt.toISOString(), sentAt: row.sentAt?.toISOString() ?? null,
  };
}

/**
 * The billing system's view of what happens in the HCE (the document's salesSystemClient):
 * appointment created, rescheduled or cancelled, and attention finalized are written to the
 * outbox inside the change's own transaction, whether or not BILLING_WEBHOOK_URL is set
 * (when it is set later, the backlog is delivered in order).
 */
export class OutboxService {
  readonly dispatcher: OutboxDispatcher;
  private readonly suppressed = new WeakSet<Tx>();

  constructor(private readonly deps: OutboxDeps) {
    this.dispatcher = new OutboxDispatcher(deps);
    deps.appointments.onEvent((tx, type, row) => this.enqueue(tx, type, row.id, () => appointmentEventData(tx, deps, row)));
    deps.attentions.onFinalized(async (tx, attention) => {
      const appointment = attention.appointmentId ? await deps.appointments.findRow(tx, attention.appointmentId) : undefined;
      // Keyed by the appointment when there is one, so it follows that appointment's events.
      await this.enqueue(tx, 'attention.finalized', appointment?.id ?? attention.id, () => attentionEventData(tx, deps, attention, appointment));
    });
  }

  /** Changes made inside `tx` came from billing itself (the webhook): they are not echoed back. */
  suppressFor(tx: Tx): void {
    this.suppressed.add(tx);
  }

  private async enqueue(tx: Tx, type: OutboxEventType, aggregateId: string, data: () => Promise<Record<string, unknown>>): Promise<void> {
    if (this.suppressed.has(tx)) return;
    const id = randomUUID();
    const payload = JSON.stringify({ id, type, occurredAt: new Date().toISOString(), data: await data() });
    await tx.insert(integrationOutbox).values({ id, eventType: type, aggregateId, payloadEnc: this.deps.keyring.encrypt(payload, OUTBOX_AAD) });
    this.dispatcher.kickSoon();
  }

  start(): void {
    this.dispatcher.start();
  }

  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  async list(q: ListEventsQuery): Promise<{ data: EventDto[]; total: number; limit: number; offset: number }> {
    const conditions: SQL[] = [];
    if (q.estado) conditions.push(eq(integrationOutbox.estado, q.estado));
    if (q.event_type) conditions.push(eq(integrationOutbox.eventType, q.event_type));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, totals] = await Promise.all([
      this.deps.db.select().from(integrationOutbox).where(where).orderBy(desc(integrationOutbox.seq)).limit(q.limit).offset(q.offset),
      this.deps.db.select({ n: count() }).from(integrationOutbox).where(where),
    ]);
    return { data: rows.map(toDto), total: Number(totals[0]?.n ?? 0), limit: q.limit, offset: q.offset };
  }

  /** ADMIN: a parked (or waiting) event goes back to the queue with a fresh set of attempts. */
  async retry(actor: AuditActor, id: string): Promise<EventDto> {
    const row = await this.deps.db.transaction(async (tx) => {
      const [current] = await tx.select().from(integrationOutbox).where(eq(integrationOutbox.id, id)).limit(1).for('update');
      if (!current) throw new NotFoundError('INTEGRATION_EVENT_NOT_FOUND', 'El evento no existe.');
      if (current.estado === 'ENVIADO') throw new ConflictError('INTEGRATION_EVENT_SENT', 'El evento ya fue entregado; no se reenvía.');
      const now = new Date();
      const [updated] = await tx.update(integrationOutbox)
        .set({ estado: 'PENDIENTE', attempts: 0, nextAttemptAt: now, lockedUntil: null, updatedAt: now })
        .where(eq(integrationOutbox.id, id)).returning();
      await this.deps.audit.record(tx, actor, {
        action: 'INTEGRATION_EVENT_RETRIED', entity: 'integration_event', entityId: id,
        details: { eventType: current.eventType, estadoAnterior: current.estado, intentos: current.attempts, ultimoError: current.lastError },
      });
      return updated!;
    });
    this.dispatcher.kickSoon();
    return toDto(row);
  }
}
