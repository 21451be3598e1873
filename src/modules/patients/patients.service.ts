import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config/env.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import type { Keyring } from '../../shared/crypto/keyring.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { ubigeo } from '../catalogs/ubigeo.js';
import { APODERADO_AAD, DOC_AAD, documentIndexInput, patientFullName, toPatientDto, type PatientRow } from './patients.mapper.js';
import { patientsRepository, type NewPatientValues, type PatientSummaryRow } from './patients.repository.js';
import { upsertFromBilling, type BillingPatientAction, type BillingPatientInput } from './patients.billing.js';
import { patientRuleErrors, type CreatePatientInput, type PatientDto, type UpdatePatientInput } from './patients.schemas.js';
import { patients } from './patients.table.js';

/** Other modules move their rows to the surviving patient inside the merge transaction. */
export type MergeHook = (tx: Tx, fromId: string, intoId: string) => Promise<Record<string, number>>;

type PatientValues = Partial<typeof patients.$inferInsert>;

export interface PatientSummary {
  id: string;
  nombreCompleto: string;
  numeroHistoriaClinica: string;
  tipoDocumento: string;
  numeroDocumento: string | null;
  fechaNacimiento: string;
  sexo: string;
}

const TRACKED_FIELDS = [
  'tipoDocumento', 'tipoDocumentoDetalle', 'nombres', 'apellidoPaterno', 'apellidoMaterno', 'fechaNacimiento', 'sexo', 'estadoCivil',
  'nacionalidad', 'direccion', 'departamento', 'provincia', 'distrito', 'ubigeo', 'telefonoMovil', 'telefonoFijo', 'email',
  'numeroHistoriaClinica', 'codigoExternoPaciente', 'pacsPatientId', 'lisPatientId', 'grupoSanguineo', 'factorRh',
  'antecedentesCronicos', 'medicacionActual', 'alergias', 'contactoEmergencia',
] as const;

/** 409 naming the record that holds the document (the surviving one when it was merged). */
function duplicateDocument(holder: { id: string; mergedInto: string | null } | undefined): ConflictError {
  return new ConflictError('PATIENT_DUPLICATE', 'Ya existe un paciente con ese tipo y número de documento.',
    { patient_id: holder?.mergedInto ?? holder?.id }, [{ path: 'numeroDocumento', message: 'Documento ya registrado' }]);
}

export class PatientsService {
  private readonly mergeHooks: MergeHook[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly config: AppConfig,
  ) {}

  onMerge(hook: MergeHook): void {
    this.mergeHooks.push(hook);
  }

  toDto(row: PatientRow): PatientDto {
    return toPatientDto(row, this.keyring);
  }

  /** The short form other modules show (appointments, attentions), loaded in one query. */
  async summariesByIds(db: DbOrTx, ids: string[]): Promise<Map<string, PatientSummary>> {
    const rows = await patientsRepository.summaryRowsByIds(db, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, this.summary(r)]));
  }

  summary(r: PatientSummaryRow): PatientSummary {
    return {
      id: r.id, nombreCompleto: patientFullName(r), numeroHistoriaClinica: r.numeroHistoriaClinica, tipoDocumento: r.tipoDocumento,
      numeroDocumento: r.numeroDocumentoEnc ? this.keyring.decrypt(r.numeroDocumentoEnc, DOC_AAD) : null,
      fechaNacimiento: r.fechaNacimiento, sexo: r.sexo,
    };
  }

  documentIndexes(numero: string): string[] {
    return this.keyring.blindIndexes(documentIndexInput(numero));
  }

  /** Column values for the fields given (undefined = not sent), with encryption and ubigeo. */
  private columns(input: UpdatePatientInput | CreatePatientInput): PatientValues {
    const v: PatientValues = {};
    const copy = ['tipoDocumento', 'tipoDocumentoDetalle', 'nombres', 'apellidoPaterno', 'apellidoMaterno', 'fechaNacimiento', 'sexo',
      'estadoCivil', 'nacionalidad', 'direccion', 'telefonoMovil', 'telefonoFijo', 'email', 'codigoExternoPaciente', 'pacsPatientId',
      'lisPatientId', 'grupoSanguineo', 'factorRh', 'antecedentesCronicos', 'medicacionActual', 'alergias', 'contactoEmergencia'] as const;
    for (const key of copy) if (input[key] !== undefined) (v as Record<string, unknown>)[key] = input[key];
    if (input.numeroDocumento !== undefined) {
      const numero = input.numeroDocumento;
      v.numeroDocumentoEnc = numero ? this.keyring.encrypt(numero, DOC_AAD) : null;
      v.numeroDocumentoBidx = numero ? this.keyring.blindIndex(documentIndexInput(numero)) : null;
    }
    if (input.apoderado !== undefined) {
      if (input.apoderado) {
        const { numeroDocumento, ...rest } = input.apoderado;
        v.apoderado = { ...rest, telefono: rest.telefono ?? null };
        v.apoderadoDocumentoEnc = this.keyring.encrypt(numeroDocumento, APODERADO_AAD);
      } else {
        v.apoderado = null;
        v.apoderadoDocumentoEnc = null;
      }
    }
    if (input.departamento !== undefined || input.provincia !== undefined || input.distrito !== undefined) {
      const { district } = ubigeo().resolve(input);
      v.departamento = district?.departamento ?? null;
      v.provincia = district?.provincia ?? null;
      v.distrito = district?.distrito ?? null;
      v.ubigeo = district?.inei ?? null;
      v.ubigeoReniec = district?.reniec ?? null;
    }
    return v;
  }

  private async assignHc(db: DbOrTx, numeroDocumento: string | null | undefined): Promise<string> {
    if (this.config.HC_NUMBER_MODE === 'document' && numeroDocumento && !(await patientsRepository.hcExists(db, numeroDocumento))) {
      return numeroDocumento;
    }
    for (;;) {
      const { hc, taken } = await patientsRepository.nextHcNumber(db, this.config.HC_PREFIX, this.config.HC_DIGITS);
      if (!taken) return hc;
    }
  }

  /** Refuses a document another patient holds, then gives the new record its HC number. */
  private async newPatientHc(db: DbOrTx, input: CreatePatientInput): Promise<string> {
    if (input.tipoDocumento && input.numeroDocumento) {
      const existing = await patientsRepository.findByDocument(db, input.tipoDocumento, this.documentIndexes(input.numeroDocumento));
      if (existing) throw duplicateDocument(existing);
    }
    return input.numeroHistoriaClinica ?? this.assignHc(db, input.numeroDocumento);
  }

  private async conflictFor(error: unknown, input: { tipoDocumento?: string | undefined; numeroDocumento?: string | null | undefined }): Promise<never> {
    const constraint = uniqueViolation(error);
    if (constraint === 'patients_document_key' && input.tipoDocumento && input.numeroDocumento) {
      throw duplicateDocument(await patientsRepository.findByDocument(this.db, input.tipoDocumento, this.documentIndexes(input.numeroDocumento)));
    }
    if (constraint === 'patients_hc_key') {
      throw new ConflictError('HC_NUMBER_TAKEN', 'El número de historia clínica ya está asignado a otro paciente.', undefined,
        [{ path: 'numeroHistoriaClinica', message: 'Número de historia clínica ya usado' }]);
    }
    throw error;
  }

  /**
   * One INSERT carrying its audit row (a data-modifying CTE): atomic on its own, so it needs no
   * transaction; inside the caller's transaction when there is one (the billing webhook's). In
   * the usual case (a document, a number from the sequence) the document check and the HC
   * number travel in the same statement (`insertWithNextHc`): one round trip.
   */
  async insert(db: DbOrTx, actor: AuditActor, input: CreatePatientInput): Promise<PatientRow> {
    const sinDocumento = input.tipoDocumento === 'OTROS' && input.tipoDocumentoDetalle === 'SIN_DOCUMENTO';
    const id = randomUUID();
    const values = {
      ...this.columns(input),
      id,
      nacionalidad: input.nacionalidad ?? 'PER',
      identificacionPendiente: sinDocumento,
      createdBy: actor.actorId ?? null,
      updatedBy: actor.actorId ?? null,
    } as NewPatientValues;
    const audit = (hc?: string) => this.audit.rowsParam(actor, {
      action: 'PATIENT_CREATED', entity: 'patient', entityId: id, patientId: id,
      details: { ...(hc === undefined ? {} : { numeroHistoriaClinica: hc }), tipoDocumento: input.tipoDocumento, identificacionPendiente: sinDocumento },
    });
    if (input.tipoDocumento && input.numeroDocumento && input.numeroHistoriaClinica == null && this.config.HC_NUMBER_MODE === 'sequence') {
      const guard = { tipo: input.tipoDocumento, indexes: this.documentIndexes(input.numeroDocumento), prefix: this.config.HC_PREFIX, digits: this.config.HC_DIGITS };
      for (;;) {
        const result = await patientsRepository.insertWithNextHc(db, values, audit(), guard);
        if (result.holder) throw duplicateDocument(result.holder);
        if (result.row) return result.row;
        // The drawn number belongs to an imported record: the next statement draws the next one.
      }
    }
    const hc = await this.newPatientHc(db, input);
    return patientsRepository.insertAudited(db, { ...values, numeroHistoriaClinica: hc }, audit(hc));
  }

  async create(actor: AuditActor, input: CreatePatientInput): Promise<PatientDto> {
    try {
      return this.toDto(await this.insert(this.db, actor, input));
    } catch (error) {
      if (error instanceof AppError) throw error;
      return this.conflictFor(error, input);
    }
  }

  /** The billing webhook's UPSERT by document, inside the webhook's transaction (patients.billing.ts). */
  upsertFromBilling(tx: Tx, actor: AuditActor, input: BillingPatientInput): Promise<{ row: PatientRow; accion: BillingPatientAction }> {
    return upsertFromBilling({ service: this, audit: this.audit, columns: (i) => this.columns(i) }, tx, actor, input);
  }

  /** For other modules: the live patient (merged ones resolve to 404 with a pointer). */
  async require(db: DbOrTx, id: string, path = 'patient_id'): Promise<PatientRow> {
    const row = await patientsRepository.findById(db, id);
    if (!row) throw new NotFoundError('PATIENT_NOT_FOUND', `El paciente ${path === 'patient_id' ? '' : `(${path}) `}no existe.`.replace('  ', ' '));
    if (row.mergedInto) {
      throw new AppError(404, 'PATIENT_MERGED', 'Paciente fusionado', 'Este registro fue fusionado con otro paciente; use el registro vigente.',
        undefined, { mergedInto: row.mergedInto });
    }
    return row;
  }

  async get(actor: AuditActor, id: string): Promise<PatientDto> {
    const row = await this.require(this.db, id);
    await this.audit.recordRead(actor, { action: 'PATIENT_VIEWED', entity: 'patient', entityId: id, patientId: id });
    return this.toDto(row);
  }

  async search(actor: AuditActor, q: { search?: string | undefined; tipoDocumento?: string | undefined; numeroDocumento?: string | undefined; limit: number; offset: number }) {
    let result: { rows: PatientRow[]; total: number };
    if (q.numeroDocumento !== undefined) {
      if (!q.tipoDocumento) throw new ValidationError([{ path: 'tipoDocumento', message: 'Indique tipoDocumento junto con numeroDocumento.' }]);
      const row = await patientsRepository.findByDocument(this.db, q.tipoDocumento, this.documentIndexes(q.numeroDocumento));
      const live = row && !row.mergedInto ? [row] : [];
      result = { rows: q.offset === 0 ? live : [], total: live.length };
    } else {
      const search = q.search?.normalize('NFC').trim();
      const documentLike = search && /^[0-9A-Za-z-]{6,20}$/.test(search) ? this.documentIndexes(search) : undefined;
      result = await patientsRepository.search(this.db, { search: search || undefined, tipoDocumento: q.tipoDocumento, documentIndexes: documentLike, limit: q.limit, offset: q.offset });
    }
    const ids = result.rows.map((r) => r.id);
    await this.audit.recordRead(actor, {
      action: q.numeroDocumento !== undefined ? 'PATIENT_LOOKUP' : 'PATIENT_SEARCH', entity: 'patient',
      details: { ids, total: result.total, limit: q.limit, offset: q.offset, porDocumento: q.numeroDocumento !== undefined },
    });
    return { data: result.rows.map((r) => this.toDto(r)), total: result.total, limit: q.limit, offset: q.offset };
  }

  async update(actor: AuditActor, id: string, input: UpdatePatientInput, ifMatch?: string): Promise<PatientDto> {
    try {
      return await this.db.transaction(async (tx) => {
        const current = await patientsRepository.findByIdForUpdate(tx, id);
        if (!current || current.mergedInto) await this.require(tx, id);
        const row = current!;
        if (ifMatch !== undefined && !ifMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(`"${row.version}"`) && ifMatch.trim() !== '*') {
          throw new PreconditionFailedError('El paciente cambió desde que lo leyó (If-Match no coincide); recargue y vuelva a intentar.');
        }
        if (input.version !== undefined && input.version !== row.version) {
          throw new ConflictError('VERSION_CONFLICT', 'El paciente fue modificado por otra persona; recargue y vuelva a intentar.', { currentVersion: row.version });
        }
        const dto = this.toDto(row);
        const merged = {
          tipoDocumento: input.tipoDocumento ?? dto.tipoDocumento,
          tipoDocumentoDetalle: input.tipoDocumentoDetalle !== undefined ? input.tipoDocumentoDetalle : (dto.tipoDocumentoDetalle as never),
          numeroDocumento: input.numeroDocumento !== undefined ? input.numeroDocumento : dto.numeroDocumento,
          digitoVerificador: input.digitoVerificador,
          fechaNacimiento: input.fechaNacimiento ?? dto.fechaNacimiento,
          nacionalidad: input.nacionalidad,
          departamento: input.departamento !== undefined ? input.departamento : dto.ubigeo ? undefined : null,
          provincia: input.provincia !== undefined ? input.provincia : undefined,
          distrito: input.distrito !== undefined ? input.distrito : undefined,
          apoderado: input.apoderado !== undefined ? input.apoderado : dto.apoderado as never,
        };
        const locationSent = input.departamento !== undefined || input.provincia !== undefined || input.distrito !== undefined;
        const errors = patientRuleErrors({
          ...merged,
          departamento: locationSent ? input.departamento ?? null : null,
          provincia: locationSent ? input.provincia ?? null : null,
          distrito: locationSent ? input.distrito ?? null : null,
        }, { requireApoderadoForMinors: false });
        if (errors.length) throw new ValidationError(errors);
        const values = this.columns(input);
        const documentChanged = input.numeroDocumento !== undefined && input.numeroDocumento !== dto.numeroDocumento;
        if (input.numeroDocumento && (documentChanged || input.tipoDocumento !== undefined)) {
          const clash = await patientsRepository.findByDocument(tx, merged.tipoDocumento, this.documentIndexes(input.numeroDocumento));
          if (clash && clash.id !== id) {
            throw new ConflictError('PATIENT_DUPLICATE', 'Ya existe otro paciente con ese tipo y número de documento.', { patient_id: clash.mergedInto ?? clash.id },
              [{ path: 'numeroDocumento', message: 'Documento ya registrado' }]);
          }
        }
        if (input.numeroHistoriaClinica !== undefined) values.numeroHistoriaClinica = input.numeroHistoriaClinica;
        if (merged.numeroDocumento && !(merged.tipoDocumento === 'OTROS' && merged.tipoDocumentoDetalle === 'SIN_DOCUMENTO')) values.identificacionPendiente = false;
        const changes: Record<string, { old: unknown; new: unknown }> = {};
        for (const field of TRACKED_FIELDS) {
          const next = (values as Record<string, unknown>)[field];
          const prev = (row as Record<string, unknown>)[field];
          if (next !== undefined && JSON.stringify(next) !== JSON.stringify(prev)) changes[field] = { old: prev, new: next };
        }
        if (documentChanged) changes.numeroDocumento = { old: '[cifrado]', new: '[cifrado]' };
        if (input.apoderado !== undefined) changes.apoderado = { old: row.apoderado ? '[datos]' : null, new: input.apoderado ? '[datos]' : null };
        if (Object.keys(changes).length === 0) return dto;
        const [updated] = await tx.update(patients)
          .set({ ...values, version: sql`${patients.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
          .where(eq(patients.id, id)).returning();
        await this.audit.record(tx, actor, { action: 'PATIENT_UPDATED', entity: 'patient', entityId: id, patientId: id, details: { changes, version: updated!.version } });
        return this.toDto(updated!);
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      return this.conflictFor(error, input);
    }
  }

  async merge(actor: AuditActor, fromId: string, intoId: string) {
    if (fromId === intoId) throw new ValidationError([{ path: 'into', message: 'No puede fusionar un paciente consigo mismo.' }]);
    return this.db.transaction(async (tx) => {
      // Lock both in a fixed order so two opposite merges cannot deadlock.
      const [first, second] = [fromId, intoId].sort();
      await patientsRepository.findByIdForUpdate(tx, first!);
      await patientsRepository.findByIdForUpdate(tx, second!);
      const from = await this.require(tx, fromId, 'id');
      const into = await this.require(tx, intoId, 'into').catch((e: unknown) => {
        if (e instanceof AppError && e.status === 404) throw new ValidationError([{ path: 'into', message: 'El paciente destino no existe o ya fue fusionado.' }]);
        throw e;
      });
      const moved: Record<string, number> = {};
      for (const hook of this.mergeHooks) Object.assign(moved, await hook(tx, from.id, into.id));
      await tx.update(patients).set({ mergedInto: into.id, mergedAt: new Date(), version: sql`${patients.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
        .where(eq(patients.id, from.id));
      const details = { from: from.id, into: into.id, fromHc: from.numeroHistoriaClinica, intoHc: into.numeroHistoriaClinica, moved };
      await this.audit.record(tx, actor, [
        { action: 'PATIENT_MERGED', entity: 'patient', entityId: from.id, patientId: from.id, details },
        { action: 'PATIENT_MERGED', entity: 'patient', entityId: into.id, patientId: into.id, details },
      ]);
      return { patient_id: into.id, mergedFrom: from.id, moved };
    });
  }
}
