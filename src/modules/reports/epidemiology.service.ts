import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { ageInYears, limaInstant, todayInLima } from '../../shared/time.js';
import type { AttentionRow, DiagnosisRow } from '../attentions/attentions.mapper.js';
import type { ClinicalItemsService } from '../attentions/clinical-items.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { CatalogsService } from '../catalogs/catalogs.service.js';
import { ubigeo } from '../catalogs/ubigeo.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { epiWeekOf, epiWeekRange, formatEpiWeek } from './epi-week.js';
import { epidemiologyRepository as repo, type EpiRow } from './epidemiology.repository.js';
import type { EpiNotificationDto, NotifyInput } from './epidemiology.schemas.js';
import type { Period } from './period.js';
import { reportsRepository } from './reports.repository.js';
import { epiNotifications, type EpiHistoryEntry } from './reports.table.js';

const HOUR_MS = 3_600_000;

function plusDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Deadline to enter a case in NotiWeb: immediate diseases within 24 h of being recorded;
 * weekly ones by the Monday (end of day, Lima) after the epidemiological week of the diagnosis.
 */
export function notificationDeadline(row: Pick<EpiRow, 'periodicidad' | 'createdAt' | 'fechaDiagnostico'>): Date {
  if (row.periodicidad === 'INMEDIATA') return new Date(row.createdAt.getTime() + 24 * HOUR_MS);
  const week = epiWeekOf(row.fechaDiagnostico);
  const saturday = epiWeekRange(week.year, week.week)!.hasta;
  return new Date(limaInstant(plusDays(saturday, 3), '00:00').getTime() - 1000);
}

/**
 * Epidemiological surveillance (Directiva Sanitaria 046-MINSA/DGE-V.01): a diagnosis whose
 * CIE-10 code is in the notifiable-diseases catalog opens a case in the same transaction.
 */
export class EpidemiologyService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly catalogs: CatalogsService,
    clinicalItems: ClinicalItemsService,
  ) {
    clinicalItems.onDiagnosisAdded((tx, diagnosis, attention, actor) => this.onDiagnosis(tx, diagnosis, attention, actor));
    patients.onMerge(async (tx, fromId, intoId) => {
      const moved = await tx.update(epiNotifications).set({ patientId: intoId, updatedAt: new Date() })
        .where(eq(epiNotifications.patientId, fromId)).returning({ id: epiNotifications.id });
      return { epiNotifications: moved.length };
    });
  }

  private async onDiagnosis(tx: Tx, dx: DiagnosisRow, attention: AttentionRow, actor: AuditActor): Promise<void> {
    if (dx.sistema !== 'CIE-10') return;
    const disease = await this.catalogs.notifiableMatch(tx, dx.cieCode);
    if (!disease) return;
    const fechaDiagnostico = todayInLima(attention.fechaAtencion);
    const onset = dx.fechaInicioSintomas ?? fechaDiagnostico;
    // Two attentions of the same patient may record the disease at once: one case, not two.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`epi:${attention.patientId}:${disease.id}`}))`);
    const open = await repo.openCaseForUpdate(tx, attention.patientId, disease.id, onset);
    const entry = (evento: EpiHistoryEntry['evento']): EpiHistoryEntry => ({
      at: new Date().toISOString(), evento, diagnosis_id: dx.id, attention_id: attention.id, tipo: dx.type, usuario: actor.actorId ?? null,
    });
    const audited = { entity: 'epi_notification', patientId: attention.patientId };
    if (dx.type === 'DESCARTADO') {
      if (!open) return;
      await tx.update(epiNotifications).set({
        estado: 'DESCARTADA', descartadaAt: new Date(), historial: [...open.historial, entry('DESCARTADA')], version: sql`${epiNotifications.version} + 1`, updatedAt: new Date(),
      }).where(eq(epiNotifications.id, open.id));
      await this.audit.record(tx, actor, { action: 'EPI_CASE_DISCARDED', ...audited, entityId: open.id, details: { enfermedad: disease.codigo, diagnosis_id: dx.id, estadoAnterior: open.estado } });
      return;
    }
    if (open) {
      if (dx.type !== 'DEFINITIVO' || open.tipoDiagnostico === 'DEFINITIVO') return;
      // Confirmed: NotiWeb must be updated, so a case already notified goes back to pending.
      await tx.update(epiNotifications).set({
        tipoDiagnostico: 'DEFINITIVO', estado: 'PENDIENTE', historial: [...open.historial, entry('RECLASIFICADA')],
        version: sql`${epiNotifications.version} + 1`, updatedAt: new Date(),
      }).where(eq(epiNotifications.id, open.id));
      await this.audit.record(tx, actor, { action: 'EPI_CASE_RECLASSIFIED', ...audited, entityId: open.id, details: { enfermedad: disease.codigo, diagnosis_id: dx.id, estadoAnterior: open.estado } });
      return;
    }
    const patient = await this.patients.require(tx, attention.patientId);
    const week = epiWeekOf(onset);
    const [row] = await tx.insert(epiNotifications).values({
      patientId: attention.patientId, attentionId: attention.id, diagnosisId: dx.id, doctorId: attention.doctorId, diseaseId: disease.id,
      enfermedadCodigo: disease.codigo, enfermedadNombre: disease.nombre, periodicidad: disease.periodicidad, cieCode: dx.cieCode,
      tipoDiagnostico: dx.type as 'PRESUNTIVO' | 'DEFINITIVO', ubigeo: patient.ubigeo, fechaDiagnostico, fechaInicioSintomas: onset,
      semanaAnio: week.year, semanaNumero: week.week, historial: [entry('CREADA')],
    }).returning({ id: epiNotifications.id });
    await this.audit.record(tx, actor, {
      action: 'EPI_CASE_OPENED', ...audited, entityId: row!.id,
      details: { enfermedad: disease.codigo, cie_code: dx.cieCode, periodicidad: disease.periodicidad, semana: formatEpiWeek(week), diagnosis_id: dx.id },
    });
  }

  private async toDtos(rows: EpiRow[], now: Date): Promise<EpiNotificationDto[]> {
    const [patients, doctors, deleted] = await Promise.all([
      this.patients.summariesByIds(this.db, rows.map((r) => r.patientId)),
      this.users.doctorsByIds(this.db, rows.map((r) => r.doctorId)),
      reportsRepository.deletedDiagnoses(this.db, rows.map((r) => r.diagnosisId)),
    ]);
    return rows.map((r) => {
      const p = patients.get(r.patientId);
      const d = doctors.get(r.doctorId);
      const place = r.ubigeo ? ubigeo().byInei(r.ubigeo) : undefined;
      const deadline = notificationDeadline(r);
      return {
        id: r.id, notification_id: r.id, estado: r.estado, periodicidad: r.periodicidad,
        urgente: r.periodicidad === 'INMEDIATA' && r.estado === 'PENDIENTE',
        semana: formatEpiWeek({ year: r.semanaAnio, week: r.semanaNumero }), semanaAnio: r.semanaAnio, semanaNumero: r.semanaNumero,
        enfermedad: { id: r.diseaseId, codigo: r.enfermedadCodigo, nombre: r.enfermedadNombre },
        cie_code: r.cieCode, tipoDiagnostico: r.tipoDiagnostico, fechaDiagnostico: r.fechaDiagnostico, fechaInicioSintomas: r.fechaInicioSintomas,
        paciente: {
          id: r.patientId, nombreCompleto: p?.nombreCompleto ?? '', numeroHistoriaClinica: p?.numeroHistoriaClinica ?? '', tipoDocumento: p?.tipoDocumento ?? '',
          numeroDocumento: p?.numeroDocumento ?? null, sexo: p?.sexo ?? '', fechaNacimiento: p?.fechaNacimiento ?? '',
          edad: p ? ageInYears(p.fechaNacimiento, r.fechaDiagnostico) : 0,
        },
        ubigeo: r.ubigeo, departamento: place?.departamento ?? null, provincia: place?.provincia ?? null, distrito: place?.distrito ?? null,
        doctor: { id: r.doctorId, nombreCompleto: d?.nombreCompleto ?? '', cmp: d?.cmp ?? null },
        attention_id: r.attentionId, diagnosis_id: r.diagnosisId, diagnosticoEliminado: deleted.has(r.diagnosisId),
        plazoNotificacion: deadline.toISOString(), vencida: r.estado === 'PENDIENTE' && deadline.getTime() < now.getTime(),
        notificadaAt: r.notificadaAt?.toISOString() ?? null, notificadaPor: r.notificadaPor, codigoNotiweb: r.codigoNotiweb,
        observacion: r.observacion, descartadaAt: r.descartadaAt?.toISOString() ?? null, historial: r.historial, createdAt: r.createdAt.toISOString(),
      };
    });
  }

  async list(actor: AuditActor, period: Period, estado?: string) {
    const rows = await repo.listByOnset(this.db, { desde: period.desde, hasta: period.hasta, estado });
    const data = await this.toDtos(rows, new Date());
    await this.audit.recordRead(actor, {
      action: 'REPORT_GENERATED', entity: 'report',
      details: { reporte: 'epidemiologia', desde: period.desde, hasta: period.hasta, semana: period.semana, estado: estado ?? null, filas: data.length, patientIds: [...new Set(rows.map((r) => r.patientId))] },
    });
    return { desde: period.desde, hasta: period.hasta, semana: period.semana, total: data.length, data };
  }

  /** Pending cases: immediate ones first (flagged), then weekly ones; mistaken (deleted) diagnoses left out. */
  async pending(actor: AuditActor, now = new Date()) {
    const dtos = (await this.toDtos(await repo.listPending(this.db), now)).filter((d) => !d.diagnosticoEliminado);
    const inmediatas = dtos.filter((d) => d.periodicidad === 'INMEDIATA');
    const semanales = dtos.filter((d) => d.periodicidad === 'SEMANAL');
    await this.audit.recordRead(actor, {
      action: 'REPORT_GENERATED', entity: 'report',
      details: { reporte: 'epidemiologia_pendientes', filas: dtos.length, patientIds: [...new Set(dtos.map((d) => d.paciente.id))] },
    });
    return { generadoEn: now.toISOString(), inmediatas, semanales, vencidas: dtos.filter((d) => d.vencida).length };
  }

  async notify(actor: AuditActor, id: string, input: NotifyInput): Promise<EpiNotificationDto> {
    const at = input.fechaNotificacion ? new Date(input.fechaNotificacion) : new Date();
    if (at.getTime() > Date.now() + 60_000) throw new ValidationError([{ path: 'fechaNotificacion', message: 'La fecha de notificación no puede ser futura.' }]);
    const row = await this.db.transaction(async (tx) => {
      const current = await repo.findByIdForUpdate(tx, id);
      if (!current) throw new NotFoundError('EPI_NOTIFICATION_NOT_FOUND', 'La notificación epidemiológica no existe.');
      if (current.estado === 'DESCARTADA') throw new ConflictError('EPI_CASE_DISCARDED', 'El caso fue descartado: no se notifica.');
      if (current.estado === 'NOTIFICADA') throw new ConflictError('EPI_ALREADY_NOTIFIED', 'El caso ya fue registrado como notificado.', { notificadaAt: current.notificadaAt?.toISOString() ?? null });
      const entry: EpiHistoryEntry = { at: at.toISOString(), evento: 'NOTIFICADA', diagnosis_id: null, attention_id: null, tipo: current.tipoDiagnostico, usuario: actor.actorId ?? null };
      const [updated] = await tx.update(epiNotifications).set({
        estado: 'NOTIFICADA', notificadaAt: at, notificadaPor: actor.actorId ?? null, codigoNotiweb: input.codigoNotiweb ?? current.codigoNotiweb,
        observacion: input.observacion ?? current.observacion, historial: [...current.historial, entry], version: sql`${epiNotifications.version} + 1`, updatedAt: new Date(),
      }).where(eq(epiNotifications.id, id)).returning();
      await this.audit.record(tx, actor, {
        action: 'EPI_CASE_NOTIFIED', entity: 'epi_notification', entityId: id, patientId: current.patientId,
        details: { enfermedad: current.enfermedadCodigo, tipo: current.tipoDiagnostico, notificadaAt: at.toISOString(), codigoNotiweb: input.codigoNotiweb ?? null },
      });
      return updated!;
    });
    return (await this.toDtos([row], new Date()))[0]!;
  }
}
