import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { allOn } from '../../db/all-on.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError, type FieldError } from '../../shared/errors.js';
import { ageInYears } from '../../shared/time.js';
import type { AppointmentsService } from '../appointments/appointments.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { toAttentionDto, toDiagnosisDto, toEvolutionDto, toOrderDto, toPrescriptionDto, toVitalsDto, type AttentionRow } from './attentions.mapper.js';
import { attentionsRepository } from './attentions.repository.js';
import type { AttentionDetailDto, AttentionDto, CreateAttentionInput, UpdateAttentionInput } from './attentions.schemas.js';
import { medicalAttentions } from './attentions.table.js';
import { addendumHash, attachmentAddendum, evolutionAddendum, sealOf, type AttentionContent, type SealedAttachment } from './seal.js';

/** Attachment rows as the clinical record needs them (provided by the attachments module). */
export interface AttachmentInfo extends SealedAttachment {
  attentionId: string;
  fileType: string;
  description: string | null;
  size: number;
  urlPath: string;
}
export type AttachmentsLoader = (db: DbOrTx, attentionIds: string[]) => Promise<AttachmentInfo[]>;
export type FinalizeListener = (tx: Tx, attention: AttentionRow, actor: AuditActor) => Promise<void>;
/** Runs before clinical data is written (the compliance module enforces data-processing consent). */
export type ClinicalWriteGuard = (db: DbOrTx, patientId: string) => Promise<void>;

const attentionNotFound = () => new NotFoundError('ATTENTION_NOT_FOUND', 'La atención médica no existe.');

export class AttentionsService {
  private attachmentsLoader: AttachmentsLoader = async () => [];
  private attachmentResolver: ((db: DbOrTx, attachmentId: string) => Promise<string | undefined>) | undefined;
  private readonly finalizeListeners: FinalizeListener[] = [];
  private readonly writeGuards: ClinicalWriteGuard[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly appointments: AppointmentsService,
  ) {
    patients.onMerge(async (tx, fromId, intoId) => {
      const moved = await tx.update(medicalAttentions).set({ patientId: intoId }).where(eq(medicalAttentions.patientId, fromId)).returning({ id: medicalAttentions.id });
      return { medicalAttentions: moved.length };
    });
  }

  setAttachmentsLoader(loader: AttachmentsLoader): void {
    this.attachmentsLoader = loader;
  }
  onFinalized(listener: FinalizeListener): void {
    this.finalizeListeners.push(listener);
  }
  addWriteGuard(guard: ClinicalWriteGuard): void {
    this.writeGuards.push(guard);
  }
  async checkWriteGuards(db: DbOrTx, patientId: string): Promise<void> {
    for (const guard of this.writeGuards) await guard(db, patientId);
  }

  async require(db: DbOrTx, id: string, forUpdate = false): Promise<AttentionRow> {
    const row = forUpdate ? await attentionsRepository.findByIdForUpdate(db, id) : await attentionsRepository.findById(db, id);
    if (!row) throw attentionNotFound();
    return row;
  }

  /** The attention's own doctor, on an open record: the rule for main fields and clinical items. */
  assertWritable(row: AttentionRow, user: AuthUser): void {
    if (row.doctorId !== user.id) throw new ForbiddenError('NOT_OWN_ATTENTION', 'Solo el médico de la atención puede modificar sus datos clínicos; otros médicos pueden agregar evoluciones y adjuntos.');
    if (row.estado === 'FINALIZADA') throw new ConflictError('ATTENTION_FINALIZED', 'La atención está finalizada y sellada; agregue una evolución como adenda.');
  }

  async create(actor: AuditActor, user: AuthUser, input: CreateAttentionInput): Promise<AttentionDto> {
    if (input.doctor_id !== undefined && input.doctor_id !== user.id) {
      throw new ForbiddenError('DOCTOR_MISMATCH', 'doctor_id debe ser el médico autenticado: una atención se registra a nombre de quien la realiza.');
    }
    if (!input.appointment_id && input.tipoAtencion !== 'EMERGENCIA' && !input.motivoSinCita) {
      throw new ValidationError([{ path: 'appointment_id', message: 'Indique la cita; sin cita solo se registran emergencias o con motivoSinCita.' }]);
    }
    try {
      const row = await this.db.transaction(async (tx) => {
        await this.patients.require(tx, input.patient_id).catch((e: unknown) => {
          if (e instanceof AppError && e.status === 404) throw new ValidationError([{ path: 'patient_id', message: 'El paciente no existe o fue fusionado.' }]);
          throw e;
        });
        await this.checkWriteGuards(tx, input.patient_id);
        if (input.appointment_id) {
          const appointment = await this.appointments.findRow(tx, input.appointment_id);
          if (!appointment) throw new ValidationError([{ path: 'appointment_id', message: 'La cita no existe.' }]);
          if (appointment.patientId !== input.patient_id) throw new UnprocessableError('APPOINTMENT_OTHER_PATIENT', 'La cita pertenece a otro paciente.', [{ path: 'appointment_id', message: 'Cita de otro paciente' }]);
          if (appointment.doctorId !== user.id) throw new UnprocessableError('APPOINTMENT_OTHER_DOCTOR', 'La cita está asignada a otro médico; reasígnela antes de atender.', [{ path: 'appointment_id', message: 'Cita de otro médico' }]);
          if (await attentionsRepository.findByAppointment(tx, input.appointment_id)) {
            throw new ConflictError('APPOINTMENT_ALREADY_ATTENDED', 'Esa cita ya tiene una atención médica registrada.', undefined, [{ path: 'appointment_id', message: 'Cita ya atendida' }]);
          }
          await this.appointments.moveInternal(tx, actor, input.appointment_id, 'EN_CONSULTA');
        }
        const [inserted] = await tx.insert(medicalAttentions).values({
          patientId: input.patient_id, doctorId: user.id, appointmentId: input.appointment_id ?? null, motivoSinCita: input.motivoSinCita ?? null,
          fechaAtencion: input.fechaAtencion ? new Date(input.fechaAtencion) : new Date(), tipoAtencion: input.tipoAtencion,
          motivoConsulta: input.motivoConsulta ?? null, anamnesis: input.anamnesis ?? null, antecedentes: input.antecedentes ?? null,
          examenFisico: input.examenFisico ?? null, tiempoEnfermedad: input.tiempoEnfermedad ?? null, formaInicio: input.formaInicio ?? null,
          curso: input.curso ?? null, funcionesBiologicas: input.funcionesBiologicas ?? null, planTrabajo: input.planTrabajo ?? null,
          proximaCita: input.proximaCita ?? null,
        }).returning();
        await this.audit.record(tx, actor, { action: 'ATTENTION_CREATED', entity: 'medical_attention', entityId: inserted!.id, patientId: input.patient_id, details: { appointment_id: input.appointment_id ?? null, tipoAtencion: input.tipoAtencion } });
        return inserted!;
      });
      return toAttentionDto(row);
    } catch (error) {
      if (uniqueViolation(error) === 'medical_attentions_appointment_key') {
        throw new ConflictError('APPOINTMENT_ALREADY_ATTENDED', 'Esa cita ya tiene una atención médica registrada.', undefined, [{ path: 'appointment_id', message: 'Cita ya atendida' }]);
      }
      throw error;
    }
  }

  async update(actor: AuditActor, user: AuthUser, id: string, input: UpdateAttentionInput): Promise<AttentionDto> {
    return toAttentionDto(await this.db.transaction(async (tx) => {
      const current = await this.require(tx, id, true);
      this.assertWritable(current, user);
      if (input.version !== undefined && input.version !== current.version) {
        throw new ConflictError('VERSION_CONFLICT', 'La atención fue modificada en otra sesión; recargue y vuelva a intentar.', { currentVersion: current.version });
      }
      const { version: _v, fechaAtencion, ...fields } = input;
      const values: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (fechaAtencion) values.fechaAtencion = new Date(fechaAtencion);
      const changes: Record<string, { old: unknown; new: unknown }> = {};
      for (const [k, v] of Object.entries(values)) {
        const old = (current as Record<string, unknown>)[k];
        if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = { old, new: v };
      }
      if (Object.keys(changes).length === 0) return current;
      const [row] = await tx.update(medicalAttentions).set({ ...values, version: sql`${medicalAttentions.version} + 1`, updatedAt: new Date() })
        .where(eq(medicalAttentions.id, id)).returning();
      await this.audit.record(tx, actor, { action: 'ATTENTION_UPDATED', entity: 'medical_attention', entityId: id, patientId: current.patientId, details: { changes } });
      return row!;
    }));
  }

  private async content(db: DbOrTx, attention: AttentionRow): Promise<AttentionContent & { attachmentInfo: AttachmentInfo[] }> {
    const [items, attachmentInfo] = await allOn(db, [() => attentionsRepository.loadItems(db, attention.id), () => this.attachmentsLoader(db, [attention.id])] as const);
    return { attention, ...items, attachments: attachmentInfo, attachmentInfo };
  }

  async detail(actor: AuditActor, id: string, includeDeleted: boolean): Promise<AttentionDetailDto> {
    const result = await this.loadDetail(this.db, id, includeDeleted);
    await this.audit.recordRead(actor, { action: 'ATTENTION_VIEWED', entity: 'medical_attention', entityId: id, patientId: result.patient_id });
    return result;
  }

  /** The full attention without auditing: callers (REST detail, FHIR façade) audit the read. */
  async loadDetail(db: DbOrTx, id: string, includeDeleted: boolean): Promise<AttentionDetailDto> {
    // Two round trips per wave at most: the attention with its items (one statement) next to its
    // attachments, then the authors and the patient.
    const [found, attachmentInfo] = await allOn(db, [() => attentionsRepository.loadDetail(db, id), () => this.attachmentsLoader(db, [id])] as const);
    if (!found) throw attentionNotFound();
    const { vitals, diagnoses, prescriptions, orders, evolutions, ...attention } = found;
    const c = { vitals, diagnoses, prescriptions, orders, evolutions, attachmentInfo };
    const authorIds = [attention.doctorId, ...c.evolutions.map((e) => e.userId)];
    const [doctors, patientMap] = await allOn(db, [() => this.users.doctorsByIds(db, authorIds), () => this.patients.summariesByIds(db, [attention.patientId])] as const);
    const p = patientMap.get(attention.patientId)!;
    const doctor = doctors.get(attention.doctorId);
    const visible = <T extends { deletedAt: Date | null }>(rows: T[]) => rows.filter((r) => includeDeleted || r.deletedAt === null);
    return {
      ...toAttentionDto(attention),
      doctor: { id: attention.doctorId, nombreCompleto: doctor?.nombreCompleto ?? '', especialidad: doctor?.especialidad ?? null, cmp: doctor?.cmp ?? null },
      patient: { ...p, edad: ageInYears(p.fechaNacimiento, attention.fechaAtencion.toISOString().slice(0, 10)) },
      vitals: c.vitals ? toVitalsDto(c.vitals) : null,
      diagnoses: visible(c.diagnoses).map(toDiagnosisDto),
      prescriptions: visible(c.prescriptions).map(toPrescriptionDto),
      orders: visible(c.orders).map(toOrderDto),
      attachments: visible(c.attachmentInfo).map((a) => ({
        id: a.id, attachment_id: a.id, fileName: a.fileName, fileType: a.fileType, description: a.description, size: a.size, sha256: a.sha256,
        uploadedBy: a.uploadedBy, uploadedAt: a.uploadedAt.toISOString(), urlPath: a.urlPath, deletedAt: a.deletedAt?.toISOString() ?? null,
      })),
      evolutions: c.evolutions.map((e) => {
        const author = doctors.get(e.userId);
        return toEvolutionDto(e, { id: e.userId, nombreCompleto: author?.nombreCompleto ?? '', cmp: author?.cmp ?? null });
      }),
    };
  }

  /** Attachments live in their own module; resolved through its loader's rows. */
  async attentionIdOfAttachment(db: DbOrTx, attachmentId: string): Promise<string | undefined> {
    return this.attachmentResolver?.(db, attachmentId);
  }
  setAttachmentResolver(resolver: (db: DbOrTx, attachmentId: string) => Promise<string | undefined>): void {
    this.attachmentResolver = resolver;
  }

  async attentionIdOfItem(db: DbOrTx, kind: 'diagnosis' | 'prescription' | 'order' | 'vitals', id: string): Promise<string | undefined> {
    return attentionsRepository.attentionIdOfItem(db, kind, id);
  }

  /** Attention ids matching a patient and/or a date range, newest first (FHIR Encounter search). */
  async searchIds(db: DbOrTx, filter: { patientId?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit: number; offset: number }) {
    return attentionsRepository.search(db, filter);
  }

  async listByPatient(actor: AuditActor, patientId: string, limit: number, offset: number) {
    await this.patients.require(this.db, patientId);
    const { rows, total } = await attentionsRepository.listByPatient(this.db, patientId, limit, offset);
    const [dx, doctors] = await Promise.all([
      attentionsRepository.activeDiagnosesFor(this.db, rows.map((r) => r.id)),
      this.users.doctorsByIds(this.db, rows.map((r) => r.doctorId)),
    ]);
    await this.audit.recordRead(actor, { action: 'ATTENTION_LIST', entity: 'medical_attention', patientId, details: { ids: rows.map((r) => r.id), total } });
    return {
      data: rows.map((r) => ({
        ...toAttentionDto(r),
        doctor: { id: r.doctorId, nombreCompleto: doctors.get(r.doctorId)?.nombreCompleto ?? '', especialidad: doctors.get(r.doctorId)?.especialidad ?? null, cmp: doctors.get(r.doctorId)?.cmp ?? null },
        diagnosticosPrincipales: dx.filter((d) => d.attentionId === r.id && d.type !== 'DESCARTADO').map((d) => ({ cie_code: d.cieCode, description: d.description, type: d.type })),
      })),
      total, limit, offset,
    };
  }

  /** The latest attentions with their diagnoses, without audit: for views that audit their whole read once (patient summary). */
  async recentWithDiagnoses(db: DbOrTx, patientId: string, limit: number) {
    const rows = await attentionsRepository.recentByPatient(db, patientId, limit);
    const [dx, doctors] = await allOn(db, [() => attentionsRepository.activeDiagnosesFor(db, rows.map((r) => r.id)), () => this.users.doctorsByIds(db, rows.map((r) => r.doctorId))] as const);
    return rows.map((r) => ({
      row: r, doctor: doctors.get(r.doctorId),
      diagnoses: dx.filter((d) => d.attentionId === r.id && d.type !== 'DESCARTADO').map((d) => ({ cie_code: d.cieCode, description: d.description, type: d.type })),
    }));
  }

  async finalize(actor: AuditActor, user: AuthUser, id: string): Promise<AttentionDto> {
    return toAttentionDto(await this.db.transaction(async (tx) => {
      const current = await this.require(tx, id, true);
      this.assertWritable(current, user);
      const items = await attentionsRepository.loadItems(tx, id);
      const missing: FieldError[] = [];
      if (!current.motivoConsulta) missing.push({ path: 'motivoConsulta', message: 'Registre el motivo de consulta.' });
      if (!items.diagnoses.some((d) => d.deletedAt === null && d.type !== 'DESCARTADO')) {
        missing.push({ path: 'diagnoses', message: 'Registre al menos un diagnóstico PRESUNTIVO o DEFINITIVO.' });
      }
      if (missing.length) throw new UnprocessableError('ATTENTION_INCOMPLETE', 'La atención no puede finalizarse todavía.', missing);
      const doctor = (await this.users.doctorsByIds(tx, [user.id])).get(user.id);
      const finalizedAt = new Date();
      const firmante = { doctor_id: user.id, nombreCompleto: doctor?.nombreCompleto ?? '', cmp: doctor?.cmp ?? null };
      const sealed: AttentionRow = { ...current, estado: 'FINALIZADA', finalizedAt, firmante };
      const seal = sealOf({ ...(await this.content(tx, sealed)) });
      const [row] = await tx.update(medicalAttentions).set({
        estado: 'FINALIZADA', finalizedAt, firmante, sealHash: seal, addendaHead: seal, version: sql`${medicalAttentions.version} + 1`, updatedAt: finalizedAt,
      }).where(eq(medicalAttentions.id, id)).returning();
      if (current.appointmentId) await this.appointments.moveInternal(tx, actor, current.appointmentId, 'ATENDIDA');
      await this.audit.record(tx, actor, { action: 'ATTENTION_FINALIZED', entity: 'medical_attention', entityId: id, patientId: current.patientId, details: { seal, appointment_id: current.appointmentId } });
      for (const listener of this.finalizeListeners) await listener(tx, row!, actor);
      return row!;
    }));
  }

  /**
   * Links an addendum written after finalization into the attention's chain. The attention
   * row is locked so two addenda never fork the chain.
   */
  async chainAddendum(tx: Tx, attentionId: string): Promise<{ seq: number; prevHash: string } | undefined> {
    const attention = await this.require(tx, attentionId, true);
    if (attention.estado !== 'FINALIZADA') return undefined;
    const seq = attention.addendaCount + 1;
    await tx.update(medicalAttentions).set({ addendaCount: seq }).where(eq(medicalAttentions.id, attentionId));
    return { seq, prevHash: attention.addendaHead ?? attention.sealHash! };
  }

  async setAddendaHead(tx: Tx, attentionId: string, hash: string): Promise<void> {
    await tx.update(medicalAttentions).set({ addendaHead: hash }).where(eq(medicalAttentions.id, attentionId));
  }

  async verify(actor: AuditActor, id: string) {
    const attention = await this.require(this.db, id);
    if (attention.estado !== 'FINALIZADA' || !attention.sealHash) {
      throw new ConflictError('ATTENTION_NOT_FINALIZED', 'La atención aún no está finalizada: no tiene sello.');
    }
    const c = await this.content(this.db, attention);
    const recomputed = sealOf(c);
    const addenda = [
      ...c.evolutions.filter((e) => e.addendumSeq !== null).map((e) => ({ kind: 'evolution', id: e.id, seq: e.addendumSeq!, prevHash: e.prevHash, hash: e.hash, content: evolutionAddendum(e) })),
      ...c.attachmentInfo.filter((a) => a.addendumSeq !== null).map((a) => ({ kind: 'attachment', id: a.id, seq: a.addendumSeq!, prevHash: (a as { prevHash?: string | null }).prevHash ?? null, hash: (a as { hash?: string | null }).hash ?? null, content: attachmentAddendum(a) })),
    ].sort((a, b) => a.seq - b.seq);
    let prev = attention.sealHash;
    let brokenAt: { kind: string; id: string; seq: number } | null = null;
    addenda.forEach((a, i) => {
      const expected = addendumHash(prev, a.content);
      if (!brokenAt && (a.seq !== i + 1 || a.prevHash !== prev || a.hash !== expected)) brokenAt = { kind: a.kind, id: a.id, seq: a.seq };
      prev = a.hash ?? expected;
    });
    const headValid = addenda.length === 0 ? attention.addendaHead === attention.sealHash : attention.addendaHead === prev;
    const sealValid = recomputed === attention.sealHash;
    const valid = sealValid && brokenAt === null && headValid;
    await this.audit.recordRead(actor, { action: 'ATTENTION_VERIFIED', entity: 'medical_attention', entityId: id, patientId: attention.patientId, outcome: valid ? 'SUCCESS' : 'FAILURE', details: { sealValid, addenda: addenda.length, brokenAt } });
    return { valid, sealValid, seal: attention.sealHash, recomputed, addenda: addenda.map((a) => ({ kind: a.kind, id: a.id, seq: a.seq, hash: a.hash })), addendaValid: brokenAt === null && headValid, brokenAt };
  }
}
