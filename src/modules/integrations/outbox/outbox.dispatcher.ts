import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AppConfig } from '../../../config/env.js';
import type { Db } from '../../../db/client.js';
import type { Keyring } from '../../../shared/crypto/keyring.js';
import { integrationOutbox } from './outbox.table.js';

export const OUTBOX_AAD = 'integration_outbox.payload';
const BATCH = 20;
const MAX_BATCHES_PER_RUN = 10;

interface Claimed {
  id: string;
  seq: number;
  eventType: string;
  payloadEnc: string;
  attempts: number;
}

export interface RunResult {
  sent: number;
  failed: number;
  parked: number;
}

/** Signature of a delivery: `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Exponential backoff with jitter: base·2^(n−1), capped, then a random 50–100 % of it. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + random() * 0.5));
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `Sin respuesta en ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'Conexión rechazada';
  return code ? `Error de red (${code})` : 'Error de red';
}

/**
 * Delivers the outbox to BILLING_WEBHOOK_URL: every OUTBOX_POLL_MS and shortly after new
 * events. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several API
 * processes never send the same event at once, and a process that dies mid-delivery leaves
 * its rows to the others when the lease ends (at-least-once: receivers dedupe by
 * X-HCE-Event-Id). Events of one appointment go out in commit order.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private kick: NodeJS.Timeout | undefined;
  private running: Promise<RunResult> | undefined;

  constructor(private readonly deps: { db: Db; config: AppConfig; logger: Logger; keyring: Keyring }) {}

  get enabled(): boolean {
    return Boolean(this.deps.config.BILLING_WEBHOOK_URL && this.deps.config.BILLING_WEBHOOK_SECRET);
  }

  start(): void {
    this.stopTimers();
    if (!this.enabled) {
      this.deps.logger.info('BILLING_WEBHOOK_URL not set: billing events are recorded but not sent');
      return;
    }
    this.timer = setInterval(() => void this.runOnce().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'outbox run failed')), this.deps.config.OUTBOX_POLL_MS);
    this.timer.unref();
  }

  /** After a commit that wrote events: deliver soon instead of at the next poll. */
  kickSoon(): void {
    if (!this.timer || this.kick) return;
    this.kick = setTimeout(() => {
      this.kick = undefined;
      void this.runOnce().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'outbox run failed'));
    }, 200);
    this.kick.unref();
  }

  async stop(): Promise<void> {
    this.stopTimers();
    await this.running?.catch(() => undefined);
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.kick) clearTimeout(this.kick);
    this.timer = undefined;
    this.kick = undefined;
  }

  /** One delivery pass over the due events (`now` lets tests step past a backoff). */
  runOnce(now: Date = new Date()): Promise<RunResult> {
    if (!this.enabled) return Promise.resolve({ sent: 0, failed: 0, parked: 0 });
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(now: Date): Promise<RunResult> {
    const total: RunResult = { sent: 0, failed: 0, parked: 0 };
    for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
      const batch = await this.claim(now);
      // An appointment's next event becomes claimable only once the previous one is out.
      if (batch.length === 0) break;
      for (const row of batch) total[await this.deliver(row, now)] += 1;
    }
    return total;
  }

  private async claim(now: Date): Promise<Claimed[]> {
    const at = now.toISOString();
    const lease = new Date(now.getTime() + this.deps.config.BILLING_TIMEOUT_MS + 30_000).toISOString();
    const result = await this.deps.db.execute<{ id: string; seq: number | string; event_type: string; payload_enc: string; attempts: number }>(sql`
      UPDATE integration_outbox o SET locked_until = ${lease}::timestamptz, attempts = o.attempts + 1, updated_at = ${at}::timestamptz
      WHERE o.id IN (
        SELECT c.id FROM integration_outbox c
        WHERE c.estado = 'PENDIENTE' AND c.next_attempt_at <= ${at}::timestamptz
          AND (c.locked_until IS NULL OR c.locked_until <= ${at}::timestamptz)
          AND NOT EXISTS (SELECT 1 FROM integration_outbox e WHERE e.aggregate_id = c.aggregate_id AND e.estado = 'PENDIENTE' AND e.seq < c.seq)
        ORDER BY c.seq LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.seq, o.event_type, o.payload_enc, o.attempts`);
    return result.rows
      .map((r) => ({ id: r.id, seq: Number(r.seq), eventType: r.event_type, payloadEnc: r.payload_enc, attempts: Number(r.attempts) }))
      .sort((a, b) => a.seq - b.seq);
  }

  private async deliver(row: Claimed, now: Date): Promise<keyof RunResult> {
    const { config, keyring, logger } = this.deps;
    const body = keyring.decrypt(row.payloadEnc, OUTBOX_AAD);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const started = performance.now();
    let status: number | null = null;
    let failure: string | null = null;
    try {
      const response = await fetch(config.BILLING_WEBHOOK_URL!, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(config.BILLING_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'HCE-outbox/1',
          'x-hce-event-id': row.id,
          'x-hce-event-type': row.eventType,
          'x-hce-timestamp': timestamp,
          'x-hce-signature': signBody(config.BILLING_WEBHOOK_SECRET!, timestamp, body),
        },
        body,
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) failure = `HTTP ${status}`;
    } catch (error) {
      failure = describeFailure(error, config.BILLING_TIMEOUT_MS);
    }
    const latencyMs = Math.round(performance.now() - started);
    const mine = and(eq(integrationOutbox.id, row.id), eq(integrationOutbox.attempts, row.attempts));
    if (failure === null) {
      await this.deps.db.update(integrationOutbox).set({ estado: 'ENVIADO', sentAt: new Date(), lastStatus: status, lastError: null, lockedUntil: null, updatedAt: new Date() }).where(mine);
      logger.info({ eventId: row.id, eventType: row.eventType, attempt: row.attempts, status, latencyMs }, 'billing event delivered');
      return 'sent';
    }
    const park = row.attempts >= config.BILLING_MAX_ATTEMPTS;
    const next = new Date(now.getTime() + backoffMs(row.attempts, config.BILLING_RETRY_BASE_MS, config.BILLING_RETRY_MAX_MS));
    await this.deps.db.update(integrationOutbox).set({
      estado: park ? 'FALLIDO' : 'PENDIENTE', lastStatus: status, lastError: failure, lockedUntil: null, updatedAt: new Date(),
      ...(park ? {} : { nextAttemptAt: next }),
    }).where(mine);
    logger.warn({ eventId: row.id, eventType: row.eventType, attempt: row.attempts, status, latencyMs, error: failure, parked: park }, 'billing event delivery failed');
    return park ? 'parked' : 'failed';
  }
}
