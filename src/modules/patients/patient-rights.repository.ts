import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/**
 * Read-only queries over the audit trail (and the users and patients it names) for the data
 * subject's rights. The audit module keeps no per-patient query of its own; like the reports,
 * this reads across modules and never writes.
 */

/** Events that list patients carry their ids in details rather than in patient_id. */
const LISTING_ACTIONS = ['PATIENT_SEARCH', 'PATIENT_LOOKUP', 'APPOINTMENT_LIST', 'REPORT_GENERATED'];

export interface AccessLogRow {
  id: number;
  occurredAt: Date;
  action: string;
  outcome: string;
  entity: string | null;
  entityId: string | null;
  actorId: string | null;
  actorRole: string | null;
  actorKind: string | null;
  actorName: string | null;
  ip: string | null;
  requestId: string | null;
  changedFields: string[] | null;
}

type Row = Record<string, unknown>;

function concerning(ids: string[]): SQL {
  const direct = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
  const listed = sql.join(ids.map((id) => sql`a.details->'ids' @> jsonb_build_array(${id}::text) OR a.details->'patientIds' @> jsonb_build_array(${id}::text)`), sql` OR `);
  const actions = sql.join(LISTING_ACTIONS.map((a) => sql`${a}`), sql`, `);
  return sql`(a.patient_id IN (${direct}) OR (a.action IN (${actions}) AND (${listed})))`;
}

export const patientRightsRepository = {
  /** Records merged into this patient: their history is part of the patient's history. */
  async mergedInto(db: DbOrTx, patientId: string): Promise<string[]> {
    const result = await db.execute<Row>(sql`SELECT id FROM patients WHERE merged_into = ${patientId}::uuid`);
    return result.rows.map((r) => String(r.id));
  },

  async accessLog(db: DbOrTx, ids: string[], page: { limit: number; offset: number; desde?: Date | undefined; hasta?: Date | undefined }) {
    const range = sql`${page.desde ? sql` AND a.occurred_at >= ${page.desde.toISOString()}::timestamptz` : sql``}${page.hasta ? sql` AND a.occurred_at <= ${page.hasta.toISOString()}::timestamptz` : sql``}`;
    const [rows, totals] = await Promise.all([
      db.execute<Row>(sql`
        SELECT a.id, a.occurred_at, a.action, a.outcome, a.entity, a.entity_id, a.actor_id, a.actor_role, a.actor_kind, a.ip, a.request_id,
          CASE WHEN jsonb_typeof(a.details->'changes') = 'object' THEN (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(a.details->'changes') k) END AS changed_fields,
          CASE WHEN u.id IS NULL THEN NULL ELSE concat_ws(' ', u.nombres, u.apellido_paterno, u.apellido_materno) END AS actor_name
        FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
        WHERE ${concerning(ids)}${range}
        ORDER BY a.occurred_at DESC, a.id DESC
        LIMIT ${page.limit} OFFSET ${page.offset}`),
      db.execute<Row>(sql`SELECT count(*)::int AS n FROM audit_events a WHERE ${concerning(ids)}${range}`),
    ]);
    return {
      total: Number(totals.rows[0]?.n ?? 0),
      rows: rows.rows.map((r): AccessLogRow => ({
        id: Number(r.id), occurredAt: r.occurred_at instanceof Date ? r.occurred_at : new Date(String(r.occurred_at)), action: String(r.action),
        outcome: String(r.outcome), entity: (r.entity as string | null) ?? null, entityId: (r.entity_id as string | null) ?? null,
        actorId: (r.actor_id as string | null) ?? null, actorRole: (r.actor_role as string | null) ?? null, actorKind: (r.actor_kind as string | null) ?? null,
        actorName: (r.actor_name as string | null) ?? null, ip: (r.ip as string | null) ?? null, requestId: (r.request_id as string | null) ?? null,
        changedFields: Array.isArray(r.changed_fields) ? (r.changed_fields as string[]) : null,
      })),
    };
  },

  /** Counts per action over the patient's whole trail, for the export's summary. */
  async actionCounts(db: DbOrTx, ids: string[]) {
    const result = await db.execute<Row>(sql`
      SELECT a.action, a.outcome, count(*)::int AS n, min(a.occurred_at) AS first_at, max(a.occurred_at) AS last_at, count(DISTINCT a.actor_id)::int AS actors
      FROM audit_events a WHERE ${concerning(ids)} GROUP BY a.action, a.outcome ORDER BY a.action, a.outcome`);
    const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
    return result.rows.map((r) => ({
      action: String(r.action), outcome: String(r.outcome), n: Number(r.n), firstAt: toDate(r.first_at), lastAt: toDate(r.last_at), actors: Number(r.actors),
    }));
  },
};
