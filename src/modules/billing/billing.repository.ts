import { and, asc, eq, gte, inArray, isNull, lt, lte, notInArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { appointments } from '../appointments/appointments.table.js';
import { medicalAttentions } from '../attentions/attentions.table.js';

/**
 * Read-only queries over the agenda and the clinical record. A billing report joins what
 * several modules own; reading their tables here (never writing) keeps it to a few queries
 * instead of paging through each module's API.
 */
export type AppointmentLine = typeof appointments.$inferSelect & { attentionId: string | null };
export type AttentionOnly = Pick<typeof medicalAttentions.$inferSelect, 'id' | 'patientId' | 'doctorId' | 'fechaAtencion' | 'tipoAtencion'>;

const limaStart = (date: string) => new Date(`${date}T00:00:00-05:00`);
const nextDay = (date: string) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

async function appointmentsWhere(db: DbOrTx, desde: string, hasta: string, extra: (SQL | undefined)[]): Promise<AppointmentLine[]> {
  const rows = await db.select({ a: appointments, attentionId: medicalAttentions.id }).from(appointments)
    .leftJoin(medicalAttentions, eq(medicalAttentions.appointmentId, appointments.id))
    .where(and(gte(appointments.fecha, desde), lte(appointments.fecha, hasta), ...extra))
    .orderBy(asc(appointments.fecha), asc(appointments.hora), asc(appointments.id));
  return rows.map((r) => ({ ...r.a, attentionId: r.attentionId }));
}

export const billingRepository = {
  attended(db: DbOrTx, desde: string, hasta: string, infoPago?: string) {
    return appointmentsWhere(db, desde, hasta, [eq(appointments.estado, 'ATENDIDA'), infoPago ? eq(appointments.infoPago, infoPago) : undefined]);
  },
  attendedUnpaid(db: DbOrTx, desde: string, hasta: string) {
    return appointmentsWhere(db, desde, hasta, [eq(appointments.estado, 'ATENDIDA'), inArray(appointments.infoPago, ['PENDIENTE', 'ANULADO'])]);
  },
  /** Paid, the date already past, and neither attended nor cancelled (cancelled ones have their own list). */
  paidNotAttended(db: DbOrTx, desde: string, hasta: string, today: string) {
    return appointmentsWhere(db, desde, hasta, [eq(appointments.infoPago, 'PAGADO'), lt(appointments.fecha, today), notInArray(appointments.estado, ['ATENDIDA', 'CANCELADA'])]);
  },
  cancelledPaid(db: DbOrTx, desde: string, hasta: string) {
    return appointmentsWhere(db, desde, hasta, [eq(appointments.estado, 'CANCELADA'), eq(appointments.infoPago, 'PAGADO')]);
  },
  /** Finalized attentions without an appointment (emergencies, extra visits): no billing record at all. */
  async finalizedWithoutAppointment(db: DbOrTx, desde: string, hasta: string): Promise<AttentionOnly[]> {
    return db.select({
      id: medicalAttentions.id, patientId: medicalAttentions.patientId, doctorId: medicalAttentions.doctorId,
      fechaAtencion: medicalAttentions.fechaAtencion, tipoAtencion: medicalAttentions.tipoAtencion,
    }).from(medicalAttentions).where(and(
      isNull(medicalAttentions.appointmentId), eq(medicalAttentions.estado, 'FINALIZADA'),
      gte(medicalAttentions.fechaAtencion, limaStart(desde)), lt(medicalAttentions.fechaAtencion, limaStart(nextDay(hasta))),
    )).orderBy(asc(medicalAttentions.fechaAtencion), asc(medicalAttentions.id));
  },
};
