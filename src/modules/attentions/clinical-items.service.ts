import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { ageInYears } from '../../shared/time.js';
import type { AuditActor, AuditEvent, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { CatalogsService } from '../catalogs/catalogs.service.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { toDiagnosisDto, toEvolutionDto, toOrderDto, toPrescriptionDto, toVitalsDto, type AttentionRow, type DiagnosisRow } from './attentions.mapper.js';
import { attentionsRepository } from './attentions.repository.js';
import type { diagnosisBody, evolutionBody, orderBody, prescriptionBody, VitalsInput } from './attentions.schemas.js';
import type { AttentionsService } from './attentions.service.js';
import { attentionDiagnoses, evolutions, medicalOrders, prescriptions, vitalSigns } from './attentions.table.js';
import { addendumHash, evolutionAddendum } from './seal.js';
import { bmiCategory } from './vitals.js';

class BlockedPrescriptionError extends UnprocessableError {
  constructor(dci: string, alertas: unknown[], readonly patientId: string, readonly auditDetails: Record<string, unknown>) {
    super('SEVERE_ALLERGY_ALERT', `El paciente tiene una alergia GRAVE relacionada con ${dci}. Para prescribirlo envíe confirmarAlerta: true y un motivo.`,
      [{ path: 'confirmarAlerta', message: 'Confirme la alerta con un motivo' }], { alertas });
  }
}

export type DiagnosisListener = (tx: Tx, diagnosis: DiagnosisRow, attention: AttentionRow, actor: AuditActor) => Promise<void>;
type SubResource = 'diagnoses' | 'prescriptions' | 'orders';
const TABLES = { diagnoses: attentionDiagnoses, prescriptions, orders: medicalOrders } as const;
const NAMES: Record<SubResource, [string, string]> = {
  diagnoses: ['DIAGNOSIS', 'El diagnóstico'], prescriptions: ['PRESCRIPTION', 'La prescripción'], orders: ['ORDER', 'La orden'],
};

/** Vitals, diagnoses, prescriptions, orders and evolutions of an attention (RF4.2–RF4.6). */
export class ClinicalItemsService {
  private readonly diagnosisListeners: DiagnosisListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    private readonly patients: PatientsService,
    private readonly catalogs: CatalogsService,
    private readonly users: UsersService,
  ) {}

  onDiagnosisAdded(listener: DiagnosisListener): void {
    this.diagnosisListeners.push(listener);
  }

  /** Locks the attention, checks ownership and openness, and runs `work` in one transaction. */
  private async write<T>(user: AuthUser, attentionId: string, work: (tx: Tx, attention: AttentionRow) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const attention = await this.attentions.require(tx, attentionId, true);
      this.attentions.assertWritable(attention, user);
      await this.attentions.checkWriteGuards(tx, attention.patientId);
      return work(tx, attention);
    });
  }

  async upsertVitals(actor: AuditActor, user: AuthUser, attentionId: string, input: VitalsInput) {
    return this.write(user, attentionId, async (tx, attention) => {
      const patient = await this.patients.require(tx, attention.patientId);
      const age = ageInYears(patient.fechaNacimiento, attention.fechaAtencion.toISOString().slice(0, 10));
      const imc = input.peso !== undefined && input.talla !== undefined ? Math.round((input.peso / (input.talla * input.talla)) * 100) / 100 : null;
      if (imc !== null && (imc < 5 || imc > 120)) throw new ValidationError([{ path: 'talla', message: `Peso y talla dan un IMC de ${imc}, no plausible: revise las unidades (kg y metros).` }]);
      const values = {
        paSistolica: input.pa_sistolica ?? null, paDiastolica: input.pa_diastolica ?? null, fc: input.fc ?? null, fr: input.fr ?? null,
        temp: input.temp?.toFixed(1) ?? null, satO2: input.satO2 ?? null, peso: input.peso?.toFixed(2) ?? null, talla: input.talla?.toFixed(2) ?? null,
        imc: imc?.toFixed(2) ?? null, imcCategoria: imc !== null && age >= 18 ? bmiCategory(imc) : null, imcPediatrico: imc !== null && age < 18,
        recordedBy: user.id, recordedAt: new Date(),
      };
      const [existing] = await tx.select().from(vitalSigns).where(eq(vitalSigns.attentionId, attentionId)).limit(1);
      const [row] = existing
        ? await tx.update(vitalSigns).set(values).where(eq(vitalSigns.id, existing.id)).returning()
        : await tx.insert(vitalSigns).values({ attentionId, ...values }).returning();
      await this.audit.record(tx, actor, {
        action: existing ? 'VITALS_REPLACED' : 'VITALS_RECORDED', entity: 'vital_signs', entityId: row!.id, patientId: attention.patientId,
        details: { attention_id: attentionId, ...(existing ? { previous: toVitalsDto(existing) } : {}) },
      });
      return { created: !existing, vitals: toVitalsDto(row!) };
    });
  }

  async addDiagnosis(actor: AuditActor, user: AuthUser, attentionId: string, input: z.infer<typeof diagnosisBody>) {
    const code = input.sistema === 'CIE-10' ? this.catalogs.normalizeCieCode(input.cie_code) : input.cie_code.trim().toUpperCase();
    if (!code) throw new ValidationError([{ path: 'cie_code', message: 'Código CIE-10 inválido (ejemplos: J06.9, J069, A97.0).' }]);
    try {
      return await this.write(user, attentionId, async (tx, attention) => {
        const entry = await this.catalogs.getDiagnosis(tx, code, input.sistema);
        if (!entry) throw new ValidationError([{ path: 'cie_code', message: `El código ${code} no existe en el catálogo ${input.sistema}.` }]);
        const notifiable = input.sistema === 'CIE-10' ? await this.catalogs.notifiableMatch(tx, code) : undefined;
        if (notifiable && !input.fechaInicioSintomas) {
          throw new ValidationError([{ path: 'fechaInicioSintomas', message: `${entry.codigo} es de notificación obligatoria (${notifiable.nombre}): indique la fecha de inicio de síntomas.` }]);
        }
        if (input.fechaInicioSintomas && input.fechaInicioSintomas > attention.fechaAtencion.toISOString().slice(0, 10)) {
          throw new ValidationError([{ path: 'fechaInicioSintomas', message: 'La fecha de inicio de síntomas no puede ser posterior a la atención.' }]);
        }
        const [row] = await tx.insert(attentionDiagnoses).values({
          attentionId, sistema: input.sistema, cieCode: entry.codigo, description: input.description ?? entry.descripcion, type: input.type,
          fechaInicioSintomas: input.fechaInicioSintomas ?? null, notificable: notifiable?.periodicidad ?? null, createdBy: user.id,
        }).returning();
        await this.audit.record(tx, actor, { action: 'DIAGNOSIS_ADDED', entity: 'diagnosis', entityId: row!.id, patientId: attention.patientId, details: { attention_id: attentionId, cie_code: row!.cieCode, type: row!.type, notificable: row!.notificable } });
        for (const listener of this.diagnosisListeners) await listener(tx, row!, attention, actor);
        return toDiagnosisDto(row!);
      });
    } catch (error) {
      if (uniqueViolation(error) === 'attention_diagnoses_code_key') {
        throw new ConflictError('DIAGNOSIS_DUPLICATE', `El diagnóstico ${code} ya está registrado en esta atención.`, undefined, [{ path: 'cie_code', message: 'Diagnóstico repetido' }]);
      }
      throw error;
    }
  }

  async addPrescription(actor: AuditActor, user: AuthUser, attentionId: string, input: z.infer<typeof prescriptionBody>) {
    try {
      return await this.writePrescription(actor, user, attentionId, input);
    } catch (error) {
      // The refusal is audited in a transaction of its own, after the work rolled back.
      if (error instanceof BlockedPrescriptionError) {
        await this.audit.recordStandalone(actor, { action: 'PRESCRIPTION_BLOCKED', outcome: 'DENIED', entity: 'prescription', patientId: error.patientId, details: error.auditDetails });
      }
      throw error;
    }
  }

  private async writePrescription(actor: AuditActor, user: AuthUser, attentionId: string, input: z.infer<typeof prescriptionBody>) {
    return this.write(user, attentionId, async (tx, attention) => {
      const medication = await this.catalogs.getMedication(tx, input.medicamento_id);
      if (!medication) throw new ValidationError([{ path: 'medicamento_id', message: 'El medicamento no existe en el catálogo.' }]);
      if (!medication.activo) throw new ValidationError([{ path: 'medicamento_id', message: 'El medicamento está inactivo en el catálogo.' }]);
      const patient = await this.patients.require(tx, attention.patientId);
      const alertas = await this.catalogs.prescriptionAlerts(tx, { medicamentoId: medication.id, alergias: patient.alergias, medicacionActual: patient.medicacionActual });
      const severe = alertas.filter((a) => a.severidad === 'GRAVE' && a.tipo !== 'DUPLICIDAD');
      if (severe.length > 0 && !(input.confirmarAlerta && input.motivo)) {
        throw new BlockedPrescriptionError(medication.dci, alertas, attention.patientId, { attention_id: attentionId, medicamento: medication.dci, alertas: severe });
      }
      // The audit rows travel in the INSERT itself (one round trip less inside the attention's lock).
      const id = randomUUID();
      const events: AuditEvent[] = [{ action: 'PRESCRIPTION_ADDED', entity: 'prescription', entityId: id, patientId: attention.patientId, details: { attention_id: attentionId, medicamento: medication.dci, alertas: alertas.length } }];
      if (severe.length > 0) {
        events.push({ action: 'PRESCRIPTION_ALERT_OVERRIDE', entity: 'prescription', entityId: id, patientId: attention.patientId, details: { attention_id: attentionId, medicamento: medication.dci, alertas: severe, motivo: input.motivo } });
      }
      const row = await attentionsRepository.insertPrescription(tx, {
        id, attentionId, medicamentoId: medication.id,
        medicamento: { dci: medication.dci, concentracion: medication.concentracion, formaFarmaceutica: medication.formaFarmaceutica, via: medication.via, codigoAtc: medication.codigoAtc, controlado: medication.controlado },
        dosis: input.dosis, via: input.via, frecuencia: input.frecuencia, duracion: input.duracion, cantidad: String(input.cantidad),
        indicaciones: input.indicaciones ?? null, alertas, alertaConfirmada: Boolean(input.confirmarAlerta && alertas.length > 0),
        motivoConfirmacion: input.confirmarAlerta ? (input.motivo ?? null) : null, createdBy: user.id,
      }, this.audit.rowsParam(actor, events));
      return toPrescriptionDto(row);
    });
  }

  async addOrder(actor: AuditActor, user: AuthUser, attentionId: string, input: z.infer<typeof orderBody>) {
    return this.write(user, attentionId, async (tx, attention) => {
      let procedureName: string | null = null;
      if (input.procedure_code) {
        const procedure = await this.catalogs.getProcedure(tx, input.procedure_code);
        if (!procedure) throw new ValidationError([{ path: 'procedure_code', message: 'El procedimiento no existe en el catálogo.' }]);
        if (procedure.tipo !== input.tipo) throw new ValidationError([{ path: 'tipo', message: `El procedimiento ${procedure.codigo ?? ''} es de tipo ${procedure.tipo}.` }]);
        procedureName = procedure.nombre;
      }
      const [row] = await tx.insert(medicalOrders).values({
        attentionId, numeroOrden: await attentionsRepository.nextOrderNumber(tx), tipo: input.tipo, detalle: input.detalle,
        indicaciones: input.indicaciones ?? null, procedureCode: input.procedure_code ?? null, procedureName, createdBy: user.id,
      }).returning();
      await this.audit.record(tx, actor, { action: 'ORDER_ADDED', entity: 'medical_order', entityId: row!.id, patientId: attention.patientId, details: { attention_id: attentionId, tipo: row!.tipo, numeroOrden: row!.numeroOrden } });
      return toOrderDto(row!);
    });
  }

  /** Any MEDICO may add an evolution, also after finalization (then it is a chained addendum). */
  async addEvolution(actor: AuditActor, user: AuthUser, attentionId: string, input: z.infer<typeof evolutionBody>) {
    return this.db.transaction(async (tx) => {
      const link = await this.attentions.chainAddendum(tx, attentionId);
      const attention = await this.attentions.require(tx, attentionId);
      // Id and time are fixed here so the addendum's hash is written with the row itself.
      const draft = { id: randomUUID(), attentionId, notas: input.notas, userId: user.id, fechaHora: new Date(), addendumSeq: link?.seq ?? null };
      const hash = link ? addendumHash(link.prevHash, evolutionAddendum(draft)) : null;
      const [row] = await tx.insert(evolutions).values({ ...draft, prevHash: link?.prevHash ?? null, hash }).returning();
      if (link && hash) await this.attentions.setAddendaHead(tx, attentionId, hash);
      const result = row!;
      await this.audit.record(tx, actor, { action: link ? 'EVOLUTION_ADDENDUM_ADDED' : 'EVOLUTION_ADDED', entity: 'evolution', entityId: row!.id, patientId: attention.patientId, details: { attention_id: attentionId, adenda: Boolean(link) } });
      const author = (await this.users.doctorsByIds(tx, [user.id])).get(user.id);
      return toEvolutionDto(result, { id: user.id, nombreCompleto: author?.nombreCompleto ?? '', cmp: author?.cmp ?? null });
    });
  }

  /** Soft delete while the attention is open: kept, marked, audited, hidden by default. */
  async softDelete(actor: AuditActor, user: AuthUser, kind: SubResource, id: string, motivo: string | undefined): Promise<void> {
    const table = TABLES[kind];
    const [name, label] = NAMES[kind];
    const [item] = await this.db.select({ attentionId: table.attentionId, deletedAt: table.deletedAt }).from(table).where(eq(table.id, id)).limit(1);
    if (!item) throw new NotFoundError(`${name}_NOT_FOUND`, `${label} no existe.`);
    await this.write(user, item.attentionId, async (tx, attention) => {
      const done = await tx.update(table).set({ deletedAt: new Date(), deletedBy: user.id, motivoEliminacion: motivo ?? null })
        .where(and(eq(table.id, id), isNull(table.deletedAt))).returning({ id: table.id });
      if (done.length === 0) throw new ConflictError('ALREADY_DELETED', `${label} ya fue eliminado(a).`);
      await this.audit.record(tx, actor, { action: `${name}_DELETED`, entity: kind, entityId: id, patientId: attention.patientId, details: { attention_id: attention.id, motivo: motivo ?? null } });
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NOT_OWN_ATTENTION') throw new ForbiddenError('NOT_OWN_ATTENTION', error.detail);
      throw error;
    });
  }
}
