import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { AppConfig } from '../../config/env.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { ValidationError } from '../../shared/errors.js';
import { ageInYears, todayInLima } from '../../shared/time.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { CatalogsService } from '../catalogs/catalogs.service.js';
import type { PatientsService } from '../patients/patients.service.js';
import { nextDay, type Period } from '../reports/period.js';
import type { UsersService } from '../users/users.service.js';
import type { PharmacovigilanceReport, RamDto, RamInput } from './pharmacovigilance.schemas.js';
import { adverseDrugReactions, type RamMedicamento } from './pharmacovigilance.table.js';

export type RamRow = typeof adverseDrugReactions.$inferSelect;

function toRamDto(r: RamRow): RamDto {
  return {
    id: r.id, ram_id: r.id, attention_id: r.attentionId, patient_id: r.patientId, prescription_id: r.prescriptionId, medicamento_id: r.medicamentoId,
    medicamento: r.medicamento, reaccion: r.reaccion, severidad: r.severidad as RamDto['severidad'], fechaInicio: r.fechaInicio, fechaFin: r.fechaFin,
    desenlace: r.desenlace as RamDto['desenlace'], observaciones: r.observaciones, notificadoPor: r.notificadoPor, createdAt: r.createdAt.toISOString(),
  };
}

/** "José Luis Núñez Chávez" → "J.L.N.C.": DIGEMID's form identifies the patient by initials. */
export function initials(fullName: string): string {
  return fullName.split(/\s+/).filter(Boolean).map((w) => `${w[0]!.toUpperCase()}.`).join('');
}

/** Lima midnight of a date, as an instant (UTC−5, no DST). */
const limaStart = (date: string) => new Date(`${date}T00:00:00-05:00`);

/** Suspected adverse drug reactions (RAM): notification on the attention and the report for DIGEMID. */
export class PharmacovigilanceService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    private readonly patients: PatientsService,
    private readonly catalogs: CatalogsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {
    patients.onMerge(async (tx, fromId, intoId) => {
      const moved = await tx.update(adverseDrugReactions).set({ patientId: intoId }).where(eq(adverseDrugReactions.patientId, fromId)).returning({ id: adverseDrugReactions.id });
      return { adverseDrugReactions: moved.length };
    });
  }

  /** Any doctor may notify, also after the attention is closed: reactions often show days later. */
  async notify(actor: AuditActor, user: AuthUser, attentionId: string, input: RamInput): Promise<RamDto> {
    if (input.fechaInicio > todayInLima()) throw new ValidationError([{ path: 'fechaInicio', message: 'La fecha de inicio no puede ser futura.' }]);
    let medicamento: RamMedicamento;
    let medicamentoId: string | null;
    if (input.prescription_id) {
      const detail = await this.attentions.detail(actor, attentionId, false);
      const p = detail.prescriptions.find((x) => x.id === input.prescription_id);
      if (!p) throw new ValidationError([{ path: 'prescription_id', message: 'La prescripción no pertenece a esta atención (para otros medicamentos use medicamento_id).' }]);
      medicamentoId = p.medicamento_id;
      medicamento = {
        dci: p.medicamento.dci, codigoAtc: p.medicamento.codigoAtc, concentracion: p.medicamento.concentracion,
        formaFarmaceutica: p.medicamento.formaFarmaceutica, dosis: p.dosis, via: p.via, frecuencia: p.frecuencia,
      };
    } else {
      const m = await this.catalogs.getMedication(this.db, input.medicamento_id!);
      if (!m) throw new ValidationError([{ path: 'medicamento_id', message: 'El medicamento no existe en el catálogo.' }]);
      medicamentoId = m.id;
      medicamento = { dci: m.dci, codigoAtc: m.codigoAtc, concentracion: m.concentracion, formaFarmaceutica: m.formaFarmaceutica, dosis: null, via: null, frecuencia: null };
    }
    return toRamDto(await this.db.transaction(async (tx) => {
      const attention = await this.attentions.require(tx, attentionId);
      const [row] = await tx.insert(adverseDrugReactions).values({
        attentionId, patientId: attention.patientId, prescriptionId: input.prescription_id ?? null, medicamentoId, medicamento,
        reaccion: input.reaccion, severidad: input.severidad, fechaInicio: input.fechaInicio, fechaFin: input.fechaFin ?? null,
        desenlace: input.desenlace, observaciones: input.observaciones ?? null, notificadoPor: user.id,
      }).returning();
      await this.audit.record(tx, actor, {
        action: 'ADVERSE_REACTION_NOTIFIED', entity: 'adverse_drug_reaction', entityId: row!.id, patientId: attention.patientId,
        details: { attention_id: attentionId, medicamento: medicamento.dci, severidad: input.severidad, desenlace: input.desenlace },
      });
      return row!;
    }));
  }

  async forAttention(db: DbOrTx, attentionId: string): Promise<RamRow[]> {
    return db.select().from(adverseDrugReactions).where(eq(adverseDrugReactions.attentionId, attentionId)).orderBy(asc(adverseDrugReactions.createdAt));
  }

  /** The patient's notifications for the complete-record export (the export audits itself). */
  async exportFor(db: DbOrTx, patientId: string): Promise<RamDto[]> {
    const rows = await db.select().from(adverseDrugReactions).where(eq(adverseDrugReactions.patientId, patientId)).orderBy(asc(adverseDrugReactions.createdAt));
    return rows.map(toRamDto);
  }

  async list(actor: AuditActor, attentionId: string): Promise<{ data: RamDto[] }> {
    const attention = await this.attentions.require(this.db, attentionId);
    const rows = await this.forAttention(this.db, attentionId);
    await this.audit.recordRead(actor, { action: 'ADVERSE_REACTION_LIST', entity: 'adverse_drug_reaction', patientId: attention.patientId, details: { attention_id: attentionId, total: rows.length } });
    return { data: rows.map(toRamDto) };
  }

  /** Reactions notified within the period (Lima dates, both included). */
  async report(actor: AuditActor, period: Period): Promise<PharmacovigilanceReport> {
    const rows = await this.db.select().from(adverseDrugReactions)
      .where(and(gte(adverseDrugReactions.createdAt, limaStart(period.desde)), lt(adverseDrugReactions.createdAt, limaStart(nextDay(period.hasta)))))
      .orderBy(asc(adverseDrugReactions.createdAt), asc(adverseDrugReactions.id));
    const [patients, doctors] = await Promise.all([
      this.patients.summariesByIds(this.db, rows.map((r) => r.patientId)), this.users.doctorsByIds(this.db, rows.map((r) => r.notificadoPor)),
    ]);
    const porSeveridad = { LEVE: 0, MODERADA: 0, GRAVE: 0 };
    const data = rows.map((r) => {
      porSeveridad[r.severidad as keyof typeof porSeveridad] += 1;
      const p = patients.get(r.patientId);
      const d = doctors.get(r.notificadoPor);
      return {
        ram_id: r.id, attention_id: r.attentionId, fechaNotificacion: todayInLima(r.createdAt),
        paciente: { iniciales: initials(p?.nombreCompleto ?? ''), edad: p ? ageInYears(p.fechaNacimiento, r.fechaInicio) : 0, sexo: p?.sexo ?? '', numeroHistoriaClinica: p?.numeroHistoriaClinica ?? '' },
        medicamento: r.medicamento, reaccion: r.reaccion, severidad: r.severidad, fechaInicio: r.fechaInicio, fechaFin: r.fechaFin, desenlace: r.desenlace,
        observaciones: r.observaciones, notificador: { nombreCompleto: d?.nombreCompleto ?? '', cmp: d?.cmp ?? null },
      };
    });
    const patientIds = [...new Set(rows.map((r) => r.patientId))];
    await this.audit.recordRead(actor, [
      { action: 'REPORT_PHARMACOVIGILANCE', entity: 'report', details: { desde: period.desde, hasta: period.hasta, total: rows.length } },
      ...patientIds.map((patientId) => ({ action: 'REPORT_PATIENT_INCLUDED', entity: 'report', entityId: null, patientId, details: { report: 'farmacovigilancia' } })),
    ]);
    return { desde: period.desde, hasta: period.hasta, establecimiento: this.config.CLINIC_NAME, total: rows.length, porSeveridad, data };
  }
}
