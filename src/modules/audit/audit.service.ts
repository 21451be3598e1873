import { getTableName, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { WithSubquery } from 'drizzle-orm/subquery';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import { auditEvents } from './audit.table.js';

export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED';

export interface AuditActor {
  actorId?: string | null;
  actorRole?: string | null;
  actorKind?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface AuditEvent {
  action: string;
  outcome?: AuditOutcome;
  entity?: string;
  entityId?: string | null;
  patientId?: string | null;
  /** Never clear identifiers (document numbers) or secrets here. */
  details?: Record<string, unknown>;
}

export function actorFrom(request: FastifyRequest): AuditActor {
  const ua = request.headers['user-agent'];
  return {
    actorId: request.user?.id ?? null,
    actorRole: request.user?.role ?? null,
    actorKind: request.user?.kind ?? 'anonymous',
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null,
    requestId: request.id,
  };
}

function row(actor: AuditActor, event: AuditEvent) {
  return {
    actorId: actor.actorId ?? null,
    actorRole: actor.actorRole ?? null,
    actorKind: actor.actorKind ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
    action: event.action,
    outcome: event.outcome ?? 'SUCCESS',
    entity: event.entity ?? null,
    entityId: event.entityId ?? null,
    patientId: event.patientId ?? null,
    details: event.details ?? null,
  };
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  sealedNow: number;
  brokenId: number | null;
  brokenSeq: number | null;
  reason: string | null;
}

type AuditRow = ReturnType<typeof row>;
/** Lone UTF-16 surrogates and NUL. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;
const COLUMNS = ['actor_id', 'actor_role', 'actor_kind', 'ip', 'user_agent', 'request_id', 'action', 'outcome', 'entity', 'entity_id', 'patient_id', 'details'] as const;
const INSERT_HEAD = sql.raw(`INSERT INTO ${getTableName(auditEvents)} (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')} FROM json_populate_recordset(NULL::${getTableName(auditEvents)}, `);

/** The rows as one JSON parameter (Drizzle's builder costs CPU per bound value; this runs on every request). */
function rowsJson(rows: AuditRow[]): string {
  // Text from JSON bodies may hold lone surrogates or NUL, which PostgreSQL's json/text refuse:
  // an audit row must never fail the request it records, so those become U+FFFD.
  return JSON.stringify(rows.map((r) => ({
    actor_id: r.actorId, actor_role: r.actorRole, actor_kind: r.actorKind, ip: r.ip, user_agent: r.userAgent, request_id: r.requestId,
    action: r.action, outcome: r.outcome, entity: r.entity, entity_id: r.entityId, patient_id: r.patientId, details: r.details,
  })), (_key, value: unknown) => (typeof value === 'string' ? value.replace(UNSTORABLE, '\ufffd') : value));
}

function insertStatement(rows: AuditRow[] | Placeholder): SQL {
  return sql`${INSERT_HEAD}${Array.isArray(rows) ? rowsJson(rows) : rows}::json)`;
}

const INSERT_PER_ROW = sql.raw(`INSERT INTO ${getTableName(auditEvents)} (${COLUMNS.join(', ')}) SELECT ${COLUMNS.filter((c) => c !== 'details').map((c) => `a.${c}`).join(', ')}, `);

/**
 * The audit rows of a statement whose change may not happen (a guarded INSERT, as a CTE): the
 * rows (`AuditService.rowsParam`, one placeholder) once per row of `source` (a CTE's RETURNING:
 * none when nothing was inserted), each one's details completed with `details`, a jsonb
 * expression over `source` (what only the statement knows, such as a number it drew).
 */
export function auditRowsPer(rows: Placeholder, source: SQL, details: SQL): SQL {
  return sql`${INSERT_PER_ROW}coalesce(a.details, '{}'::jsonb) || ${details}
    FROM json_populate_recordset(NULL::${sql.raw(getTableName(auditEvents))}, ${rows}::json) AS a CROSS JOIN ${source}`;
}

/**
 * `recordWith` for a wide table's prepared INSERT (`preparedInsert`): the statement carries the
 * audit CTE, its rows one JSON placeholder. Call it with the row and `AuditService.rowsParam`;
 * it returns the inserted row.
 */
export function auditedInsert<T extends PgTable>(table: T, name: string, options: { bind?: string[] } = {}) {
  const insert = preparedInsert(table, name, {
    ...options, returning: true, with: (root) => root.$with('audit_rows', {}).as(insertStatement(sql.placeholder('auditRows'))),
  });
  return async (db: DbOrTx, values: T['$inferInsert'], auditRows: string): Promise<T['$inferSelect']> =>
    (await insert(db, values, { auditRows }))[0]!;
}

/**
 * The audit INSERT (its rows one JSON placeholder) as a prepared statement: Drizzle prepares
 * queries, not raw SQL, so the INSERT is a data-modifying CTE under a one-row SELECT of `output`.
 * Unprepared, PostgreSQL planned it again on every write.
 */
function preparedAuditInsert(db: DbOrTx, name: string, output: SQL) {
  return prepared(db, name, (root) => root.with(root.$with('audit_rows', {}).as(insertStatement(sql.placeholder('rows'))))
    .select({ output }).from(sql`(SELECT 1) AS one`).prepare(name));
}

async function insertRows(tx: DbOrTx, rows: AuditRow[]): Promise<void> {
  await preparedAuditInsert(tx, 'audit_insert', sql`1`).execute({ rows: rowsJson(rows) });
}

interface PendingRead {
  rows: AuditRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const READ_BATCH_ROWS = 500;

/**
 * The audit trail. Changes are audited inside the change's own transaction (`record`);
 * denials and failures in a transaction of their own (`recordStandalone`), since the failed
 * work rolls back; reads with synchronous_commit off (`recordRead`): PostgreSQL acknowledges
 * before the WAL flush, so a crash may lose well under a second of read events, never a
 * change event, and never corrupts the table.
 */
export class AuditService {
  private timer: NodeJS.Timeout | undefined;
  private readonly readQueue: PendingRead[] = [];
  private readFlushScheduled = false;
  private readFlushing = false;
  private sealing: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async record(tx: DbOrTx, actor: AuditActor, event: AuditEvent | AuditEvent[]): Promise<void> {
    const events = Array.isArray(event) ? event : [event];
    if (events.length === 0) return;
    await insertRows(tx, events.map((e) => row(actor, e)));
  }

  /**
   * The change's audit rows as a data-modifying CTE, for a write that is a single statement
   * (`db.with(audit.recordWith(…)).insert(…)`): the change and its audit rows commit or fail
   * together, without a transaction's BEGIN and COMMIT round trips. PostgreSQL runs a
   * data-modifying WITH whether or not the main statement reads it.
   */
  recordWith(db: DbOrTx, actor: AuditActor, event: AuditEvent | AuditEvent[]): WithSubquery {
    const events = Array.isArray(event) ? event : [event];
    return db.$with('audit_rows', {}).as(insertStatement(events.map((e) => row(actor, e))));
  }

  /** The audit rows an `auditedInsert` statement writes. */
  rowsParam(actor: AuditActor, event: AuditEvent | AuditEvent[]): string {
    return rowsJson((Array.isArray(event) ? event : [event]).map((e) => row(actor, e)));
  }

  async recordStandalone(actor: AuditActor, event: AuditEvent | AuditEvent[]): Promise<void> {
    try {
      await this.record(this.db, actor, event);
    } catch (error) {
      // Losing a denial record must not turn a 403 into a 500; it is logged loudly instead.
      this.logger.error({ err: error, action: Array.isArray(event) ? event[0]?.action : event.action }, 'audit write failed');
    }
  }

  /**
   * Group commit for read events: every read waits until its event is written, but the
   * events of concurrent reads share one INSERT and one commit (at most one flush in
   * flight per process; what arrives meanwhile goes in the next one).
   */
  recordRead(actor: AuditActor, event: AuditEvent | AuditEvent[]): Promise<void> {
    const events = Array.isArray(event) ? event : [event];
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.readQueue.push({ rows: events.map((e) => row(actor, e)), resolve, reject });
      if (!this.readFlushScheduled && !this.readFlushing) {
        this.readFlushScheduled = true;
        setImmediate(() => void this.flushReads());
      }
    });
  }

  private async flushReads(): Promise<void> {
    this.readFlushScheduled = false;
    this.readFlushing = true;
    try {
      while (this.readQueue.length > 0) {
        const batch: PendingRead[] = [];
        let rows = 0;
        // Bounded so one statement's JSON stays small and one slow batch delays few reads.
        while (this.readQueue.length > 0 && rows < READ_BATCH_ROWS) {
          const next = this.readQueue.shift()!;
          batch.push(next);
          rows += next.rows.length;
        }
        try {
          // One statement, its own implicit transaction: set_config(…, true) holds until that
          // transaction commits, so the commit is asynchronous without BEGIN, SET LOCAL and COMMIT.
          const flush = preparedAuditInsert(this.db, 'audit_read_flush', sql`set_config('synchronous_commit', 'off', true)`);
          await flush.execute({ rows: rowsJson(batch.flatMap((b) => b.rows)) });
          for (const b of batch) b.resolve();
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.readFlushing = false;
    }
  }

  /** Links pending rows into the hash chain; safe to call from several processes. */
  async seal(maxRows = 5000): Promise<number> {
    if (this.sealing) return this.sealing;
    this.sealing = (async () => {
      let total = 0;
      for (;;) {
        const result = await this.db.execute<{ n: number }>(sql`SELECT hce_audit_seal(${maxRows}) AS n`);
        const n = Number(result.rows[0]?.n ?? 0);
        total += n;
        if (n < maxRows) return total;
      }
    })().finally(() => {
      this.sealing = undefined;
    });
    return this.sealing;
  }

  async verify(): Promise<ChainVerification> {
    const sealedNow = await this.seal();
    const result = await this.db.execute<{ checked: number; broken_id: number | null; broken_seq: number | null; reason: string | null }>(
      sql`SELECT checked, broken_id, broken_seq, reason FROM hce_audit_verify()`,
    );
    const r = result.rows[0]!;
    return {
      valid: r.broken_id === null,
      checked: Number(r.checked),
      sealedNow,
      brokenId: r.broken_id === null ? null : Number(r.broken_id),
      brokenSeq: r.broken_seq === null ? null : Number(r.broken_seq),
      reason: r.reason,
    };
  }

  startSealer(intervalMs: number): void {
    this.stopSealer();
    this.timer = setInterval(() => {
      this.seal().catch((error: unknown) => this.logger.warn({ err: error }, 'audit sealing failed; will retry'));
    }, intervalMs);
    this.timer.unref();
  }

  async stopSealer(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sealing?.catch(() => undefined);
  }
}
