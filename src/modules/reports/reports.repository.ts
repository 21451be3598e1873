import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { limaInstant } from '../../shared/time.js';
import { nextDay } from './period.js';

/**
 * Read-only SQL over other modules' tables (attentions, appointments, service types, users,
 * patients). Reports are the one sanctioned exception to "a module never reads another
 * module's tables": they aggregate across the whole record, they never write there, and
 * going through each service row by row would mean thousands of queries per report.
 */

export interface AttentionFilter {
  desde: string;
  hasta: string;
  doctorId?: string | undefined;
}

export type VisitStatus = 'N' | 'C' | 'R';

export interface AttentionFact {
  id: string;
  patientId: string;
  doctorId: string;
  fechaAtencion: Date;
  /** The clinic's calendar date (America/Lima). */
  fecha: string;
  tipoAtencion: string;
  estado: string;
  servicioCodigo: string;
  servicioNombre: string;
  especialidad: string;
  infoPago: string | null;
  seguroTipo: string | null;
  sexo: string;
  fechaNacimiento: string;
  ubigeo: string | null;
  /** N nuevo / C continuador / R reingresante, in the establishment and in the service (specialty). */
  estadoEstablecimiento: VisitStatus;
  estadoServicio: VisitStatus;
}

export interface DiagnosisFact {
  id: string;
  attentionId: string;
  cieCode: string;
  description: string;
  type: string;
  /** The same code was DEFINITIVO in an earlier attention of the patient. */
  repetido: boolean;
}

export interface OrderFact {
  attentionId: string;
  patientId: string;
  tipo: string;
  procedureCode: string | null;
  procedureName: string | null;
  numeroOrden: string;
}

type Row = Record<string, unknown>;

const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

function inWindow(f: AttentionFilter, alias: string): SQL {
  const from = limaInstant(f.desde, '00:00').toISOString();
  const to = limaInstant(nextDay(f.hasta), '00:00').toISOString();
  const doctor = f.doctorId ? sql` AND ${sql.raw(alias)}.doctor_id = ${f.doctorId}` : sql``;
  return sql`${sql.raw(alias)}.fecha_atencion >= ${from}::timestamptz AND ${sql.raw(alias)}.fecha_atencion < ${to}::timestamptz${doctor}`;
}

function status(previous: unknown, fecha: string): VisitStatus {
  if (previous === null || previous === undefined) return 'N';
  return String(previous).slice(0, 4) === fecha.slice(0, 4) ? 'C' : 'R';
}

export const reportsRepository = {
  /**
   * Attentions in the window, each with the patient's previous attention anywhere in the clinic
   * and in the same specialty (window functions over the patients' whole history).
   */
  async attentionFacts(db: DbOrTx, f: AttentionFilter): Promise<AttentionFact[]> {
    const result = await db.execute<Row>(sql`
      WITH hist AS (
        SELECT ma.id, ma.patient_id, ma.doctor_id, ma.fecha_atencion, ma.tipo_atencion, ma.estado,
          (ma.fecha_atencion AT TIME ZONE 'America/Lima')::date::text AS fecha,
          COALESCE(st.codigo, ma.tipo_atencion) AS servicio_codigo,
          COALESCE(st.nombre, initcap(lower(ma.tipo_atencion)) || ' sin cita') AS servicio_nombre,
          COALESCE(st.especialidad, u.especialidad, 'Sin especialidad') AS especialidad,
          ap.info_pago, ap.seguro->>'tipo' AS seguro_tipo, ma.created_at
        FROM medical_attentions ma
        JOIN users u ON u.id = ma.doctor_id
        LEFT JOIN appointments ap ON ap.id = ma.appointment_id
        LEFT JOIN service_types st ON st.id = ap.service_type_id
        WHERE ma.patient_id IN (SELECT w.patient_id FROM medical_attentions w WHERE ${inWindow(f, 'w')})
      ), ranked AS (
        SELECT hist.*,
          lag(fecha) OVER (PARTITION BY patient_id ORDER BY fecha_atencion, created_at, id) AS prev_clinica,
          lag(fecha) OVER (PARTITION BY patient_id, especialidad ORDER BY fecha_atencion, created_at, id) AS prev_servicio
        FROM hist
      )
      SELECT r.*, p.sexo, p.fecha_nacimiento::text AS fecha_nacimiento, p.ubigeo
      FROM ranked r JOIN patients p ON p.id = r.patient_id
      WHERE ${inWindow(f, 'r')}
      ORDER BY r.fecha_atencion, r.created_at, r.id`);
    return result.rows.map((r) => {
      const fecha = String(r.fecha);
      return {
        id: String(r.id), patientId: String(r.patient_id), doctorId: String(r.doctor_id), fechaAtencion: asDate(r.fecha_atencion), fecha,
        tipoAtencion: String(r.tipo_atencion), estado: String(r.estado), servicioCodigo: String(r.servicio_codigo),
        servicioNombre: String(r.servicio_nombre), especialidad: String(r.especialidad),
        infoPago: (r.info_pago as string | null) ?? null, seguroTipo: (r.seguro_tipo as string | null) ?? null,
        sexo: String(r.sexo), fechaNacimiento: String(r.fecha_nacimiento), ubigeo: (r.ubigeo as string | null) ?? null,
        estadoEstablecimiento: status(r.prev_clinica, fecha), estadoServicio: status(r.prev_servicio, fecha),
      };
    });
  },

  /** Live diagnoses (not deleted, not DESCARTADO) of the attentions in the window. */
  async diagnosisFacts(db: DbOrTx, f: AttentionFilter): Promise<DiagnosisFact[]> {
    const result = await db.execute<Row>(sql`
      SELECT d.id, d.attention_id, d.cie_code, d.description, d.type,
        EXISTS (
          SELECT 1 FROM attention_diagnoses d2 JOIN medical_attentions m2 ON m2.id = d2.attention_id
          WHERE m2.patient_id = m.patient_id AND d2.cie_code = d.cie_code AND d2.type = 'DEFINITIVO' AND d2.deleted_at IS NULL
            AND (m2.fecha_atencion, m2.created_at) < (m.fecha_atencion, m.created_at)
        ) AS repetido
      FROM attention_diagnoses d JOIN medical_attentions m ON m.id = d.attention_id
      WHERE ${inWindow(f, 'm')} AND d.deleted_at IS NULL AND d.type <> 'DESCARTADO'
      ORDER BY d.created_at, d.id`);
    return result.rows.map((r) => ({
      id: String(r.id), attentionId: String(r.attention_id), cieCode: String(r.cie_code), description: String(r.description),
      type: String(r.type), repetido: r.repetido === true || r.repetido === 't',
    }));
  },

  /** Live orders (laboratory, imaging, procedures, referrals) of the attentions in the window. */
  async orderFacts(db: DbOrTx, f: AttentionFilter): Promise<OrderFact[]> {
    const result = await db.execute<Row>(sql`
      SELECT o.attention_id, m.patient_id, o.tipo, o.procedure_code, o.procedure_name, o.numero_orden
      FROM medical_orders o JOIN medical_attentions m ON m.id = o.attention_id
      WHERE ${inWindow(f, 'm')} AND o.deleted_at IS NULL
      ORDER BY o.created_at, o.id`);
    return result.rows.map((r) => ({
      attentionId: String(r.attention_id), patientId: String(r.patient_id), tipo: String(r.tipo),
      procedureCode: (r.procedure_code as string | null) ?? null, procedureName: (r.procedure_name as string | null) ?? null,
      numeroOrden: String(r.numero_orden),
    }));
  },

  /** Which of these diagnoses were later soft-deleted (entered by mistake). */
  async deletedDiagnoses(db: DbOrTx, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const result = await db.execute<Row>(sql`
      SELECT id FROM attention_diagnoses WHERE id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) AND deleted_at IS NOT NULL`);
    return new Set(result.rows.map((r) => String(r.id)));
  },
};
