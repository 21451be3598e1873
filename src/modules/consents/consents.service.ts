import { eq } from 'drizzle-orm';
import type { AppConfig } from '../../config/env.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { ageInYears, todayInLima } from '../../shared/time.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { PatientsService } from '../patients/patients.service.js';
import { consentsRepository, type DataConsentRow, type InformedConsentRow } from './consents.repository.js';
import type { DataConsentDto, DataConsentInput, InformedConsentDto, InformedConsentInput } from './consents.schemas.js';
import { informedConsents, patientDataConsents } from './consents.table.js';

/** Finds an attachment of the clinical record (provided by the attachments module when present). */
export type AttachmentLookup = (db: DbOrTx, attachmentId: string) => Promise<{ attentionId: string; deletedAt: Date | null } | undefined>;

const SUPERSEDED = 'Reemplazado por una nueva declaración';

function toDataConsentDto(r: DataConsentRow): DataConsentDto {
  return {
    id: r.id, consent_id: r.id, patient_id: r.patientId, otorgado: r.otorgado, canal: r.canal as DataConsentDto['canal'], fecha: r.fecha,
    observaciones: r.observaciones, registradoPor: r.registradoPor, registradoEn: r.registradoEn.toISOString(), vigente: r.revocadoEn === null,
    revocadoEn: r.revocadoEn?.toISOString() ?? null, revocadoPor: r.revocadoPor, motivoRevocacion: r.motivoRevocacion,
  };
}

export function toInformedConsentDto(r: InformedConsentRow): InformedConsentDto {
  return {
    id: r.id, consent_id: r.id, attention_id: r.attentionId, patient_id: r.patientId, tipo: r.tipo as InformedConsentDto['tipo'], procedimiento: r.procedimiento,
    firmadoPor: r.firmadoPor as InformedConsentDto['firmadoPor'], nombreFirmante: r.nombreFirmante, parentesco: r.parentesco, fecha: r.fecha,
    attachment_id: r.attachmentId, adjuntoVerificado: r.adjuntoVerificado, posteriorAlCierre: r.posteriorAlCierre, createdBy: r.createdBy, createdAt: r.createdAt.toISOString(),
  };
}

/**
 * Consent to the processing of health data (Ley 29733), kept on the patient with its history,
 * and clinical informed consent per attention or procedure (Ley 26842).
 */
export class ConsentsService {
  private attachmentLookup: AttachmentLookup | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly attentions: AttentionsService,
    private readonly config: AppConfig,
  ) {
    attentions.addWriteGuard(async (db, patientId) => {
      if (!this.config.REQUIRE_DATA_CONSENT) return;
      const current = await consentsRepository.current(db, patientId);
      if (!current?.otorgado) {
        throw new UnprocessableError('DATA_CONSENT_REQUIRED',
          'El paciente no tiene un consentimiento vigente para el tratamiento de sus datos de salud (Ley 29733): regístrelo antes de registrar datos clínicos.',
          [{ path: 'patient_id', message: 'Sin consentimiento de tratamiento de datos vigente' }]);
      }
    });
    patients.onMerge(async (tx, fromId, intoId) => {
      // One current declaration per patient: the survivor's own one wins.
      const kept = await consentsRepository.current(tx, intoId, true);
      const merged = await consentsRepository.current(tx, fromId, true);
      if (kept && merged) await consentsRepository.revoke(tx, merged.id, null, 'Fusión de pacientes: prevalece la declaración del registro vigente');
      const moved = await tx.update(patientDataConsents).set({ patientId: intoId }).where(eq(patientDataConsents.patientId, fromId)).returning({ id: patientDataConsents.id });
      const informed = await tx.update(informedConsents).set({ patientId: intoId }).where(eq(informedConsents.patientId, fromId)).returning({ id: informedConsents.id });
      return { patientDataConsents: moved.length, informedConsents: informed.length };
    });
  }

  setAttachmentLookup(lookup: AttachmentLookup): void {
    this.attachmentLookup = lookup;
  }

  async dataConsentState(actor: AuditActor, patientId: string) {
    await this.patients.require(this.db, patientId);
    const history = await consentsRepository.history(this.db, patientId);
    await this.audit.recordRead(actor, { action: 'DATA_CONSENT_VIEWED', entity: 'patient_data_consent', patientId });
    const current = history.find((r) => r.revocadoEn === null);
    return {
      patient_id: patientId, consentimientoVigente: Boolean(current?.otorgado), requeridoParaDatosClinicos: this.config.REQUIRE_DATA_CONSENT,
      vigente: current ? toDataConsentDto(current) : null, historial: history.map(toDataConsentDto),
    };
  }

  async declare(actor: AuditActor, patientId: string, input: DataConsentInput): Promise<DataConsentDto> {
    const fecha = input.fecha ?? todayInLima();
    if (fecha > todayInLima()) throw new ValidationError([{ path: 'fecha', message: 'La fecha del consentimiento no puede ser futura.' }]);
    try {
      return toDataConsentDto(await this.db.transaction(async (tx) => {
        await this.patients.require(tx, patientId);
        const previous = await consentsRepository.current(tx, patientId, true);
        if (previous) await consentsRepository.revoke(tx, previous.id, actor.actorId ?? null, SUPERSEDED);
        const [row] = await tx.insert(patientDataConsents).values({
          patientId, otorgado: input.otorgado, canal: input.canal, fecha, observaciones: input.observaciones ?? null, registradoPor: actor.actorId ?? null,
        }).returning();
        await this.audit.record(tx, actor, {
          action: input.otorgado ? 'DATA_CONSENT_GRANTED' : 'DATA_CONSENT_REFUSED', entity: 'patient_data_consent', entityId: row!.id, patientId,
          details: { canal: input.canal, fecha, reemplaza: previous?.id ?? null },
        });
        return row!;
      }));
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (uniqueViolation(error) === 'patient_data_consents_one_current_key') {
        throw new ConflictError('DATA_CONSENT_CONFLICT', 'Otra persona registró una declaración para este paciente al mismo tiempo; recargue y revise.');
      }
      throw error;
    }
  }

  /** Revocation marks the current consent; the row and its history stay. */
  async revoke(actor: AuditActor, patientId: string, motivo: string | undefined): Promise<DataConsentDto> {
    return toDataConsentDto(await this.db.transaction(async (tx) => {
      await this.patients.require(tx, patientId);
      const current = await consentsRepository.current(tx, patientId, true);
      if (!current?.otorgado) throw new ConflictError('NO_ACTIVE_DATA_CONSENT', 'El paciente no tiene un consentimiento de tratamiento de datos vigente que revocar.');
      const row = await consentsRepository.revoke(tx, current.id, actor.actorId ?? null, motivo ?? 'Revocado por el titular');
      await this.audit.record(tx, actor, { action: 'DATA_CONSENT_REVOKED', entity: 'patient_data_consent', entityId: row.id, patientId, details: { motivo: row.motivoRevocacion } });
      return row;
    }));
  }

  /**
   * Informed consent may be registered after the attention is closed: the signed form often
   * arrives later and, like an addendum, it adds to the record without changing it.
   */
  async addInformed(actor: AuditActor, user: AuthUser, attentionId: string, input: InformedConsentInput): Promise<InformedConsentDto> {
    if (input.fecha > todayInLima()) throw new ValidationError([{ path: 'fecha', message: 'La fecha de firma no puede ser futura.' }]);
    return toInformedConsentDto(await this.db.transaction(async (tx) => {
      const attention = await this.attentions.require(tx, attentionId);
      const patient = await this.patients.require(tx, attention.patientId);
      if (ageInYears(patient.fechaNacimiento, input.fecha) < 18 && input.firmadoPor !== 'APODERADO') {
        throw new UnprocessableError('MINOR_REQUIRES_APODERADO', 'El paciente es menor de edad: el consentimiento lo firma su apoderado o representante legal.',
          [{ path: 'firmadoPor', message: 'Para menores de edad use APODERADO' }]);
      }
      let verified = false;
      if (input.attachment_id && this.attachmentLookup) {
        const attachment = await this.attachmentLookup(tx, input.attachment_id);
        if (!attachment || attachment.deletedAt || attachment.attentionId !== attentionId) {
          throw new ValidationError([{ path: 'attachment_id', message: 'El adjunto no existe o no pertenece a esta atención.' }]);
        }
        verified = true;
      }
      const [row] = await tx.insert(informedConsents).values({
        attentionId, patientId: attention.patientId, tipo: input.tipo, procedimiento: input.procedimiento, firmadoPor: input.firmadoPor,
        nombreFirmante: input.nombreFirmante, parentesco: input.parentesco ?? null, fecha: input.fecha, attachmentId: input.attachment_id ?? null,
        adjuntoVerificado: verified, posteriorAlCierre: attention.estado === 'FINALIZADA', createdBy: user.id,
      }).returning();
      await this.audit.record(tx, actor, {
        action: 'INFORMED_CONSENT_RECORDED', entity: 'informed_consent', entityId: row!.id, patientId: attention.patientId,
        details: { attention_id: attentionId, tipo: input.tipo, firmadoPor: input.firmadoPor, attachment_id: input.attachment_id ?? null, posteriorAlCierre: row!.posteriorAlCierre },
      });
      return row!;
    }));
  }

  async listInformed(actor: AuditActor, attentionId: string): Promise<{ data: InformedConsentDto[] }> {
    const attention = await this.attentions.require(this.db, attentionId);
    const rows = await consentsRepository.informedByAttention(this.db, [attentionId]);
    await this.audit.recordRead(actor, { action: 'INFORMED_CONSENT_LIST', entity: 'informed_consent', patientId: attention.patientId, details: { attention_id: attentionId, total: rows.length } });
    return { data: rows.map(toInformedConsentDto) };
  }

  /** The patient's consents for the complete-record export (the export audits itself). */
  async exportFor(db: DbOrTx, patientId: string) {
    const [history, informed] = await Promise.all([consentsRepository.history(db, patientId), consentsRepository.informedByPatient(db, patientId)]);
    return { tratamientoDatos: history.map(toDataConsentDto), informados: informed.map(toInformedConsentDto) };
  }

  /** For printed formats (the caller audits the output). */
  async informedFor(db: DbOrTx, attentionId: string): Promise<InformedConsentRow[]> {
    return consentsRepository.informedByAttention(db, [attentionId]);
  }
}
