import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { UnprocessableError } from '../../shared/errors.js';
import { fold } from '../../shared/text.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { PatientRow } from './patients.mapper.js';
import { patientsRepository } from './patients.repository.js';
import type { CreatePatientInput, UpdatePatientInput } from './patients.schemas.js';
import type { PatientsService } from './patients.service.js';
import { patients } from './patients.table.js';

/** The `paciente` of a sale: any field of the patient API, with the document required. */
export type BillingPatientInput = CreatePatientInput & { numeroDocumento: string };
export type BillingPatientAction = 'CREADO' | 'ACTUALIZADO' | 'SIN_CAMBIOS';

export interface BillingUpsertDeps {
  service: PatientsService;
  audit: AuditService;
  /** PatientsService's column mapping (encryption, ubigeo resolution). */
  columns: (input: UpdatePatientInput) => Partial<typeof patients.$inferInsert>;
}

/** Only the fields a sale actually brings: null means "the billing system does not know". */
function provided<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== null && value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

function union<T>(stored: T[], incoming: T[] | undefined, key: (item: T) => string): T[] | undefined {
  if (!incoming?.length) return undefined;
  const seen = new Set(stored.map(key));
  const added = incoming.filter((item) => !seen.has(key(item)));
  return added.length ? [...stored, ...added] : undefined;
}

/**
 * What a sale changes on a known patient: the fields it brings, never blanking a stored
 * value (null means "the billing system does not know"), and for clinical lists only
 * additions (billing may learn of an allergy; it never removes one a doctor recorded).
 */
function billingUpdate(deps: BillingUpsertDeps, row: PatientRow, input: BillingPatientInput): UpdatePatientInput {
  // The lookup key and the HCE's own numbering never change through a sale.
  const { tipoDocumento: _t, numeroDocumento: _n, digitoVerificador: _d, numeroHistoriaClinica: _h, ...rest } = input;
  const update: UpdatePatientInput = provided(rest);
  update.alergias = union(row.alergias, input.alergias, (a) => fold(a.alergia));
  update.antecedentesCronicos = union(row.antecedentesCronicos, input.antecedentesCronicos, fold);
  update.medicacionActual = union(row.medicacionActual, input.medicacionActual, fold);
  if (input.apoderado) {
    const stored = deps.service.toDto(row).apoderado;
    if (stored && canonicalJson({ ...stored, telefono: stored.telefono ?? null }) === canonicalJson({ ...input.apoderado, telefono: input.apoderado.telefono ?? null })) {
      delete update.apoderado;
    }
  }
  return update;
}

/**
 * The billing webhook's patient UPSERT by (tipoDocumento, numeroDocumento), inside the
 * webhook's transaction: creates the patient through PatientsService.insert, or updates the
 * demographics that changed. A per-document advisory lock keeps two sales of the same new
 * patient from both inserting it.
 */
export async function upsertFromBilling(deps: BillingUpsertDeps, tx: Tx, actor: AuditActor, input: BillingPatientInput): Promise<{ row: PatientRow; accion: BillingPatientAction }> {
  const indexes = deps.service.documentIndexes(input.numeroDocumento);
  // indexes[0] is the active key's blind index: the same for every process.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`patient-doc:${input.tipoDocumento}:${indexes[0]}`}, 0))`);
  let found = await patientsRepository.findByDocument(tx, input.tipoDocumento, indexes);
  for (let hops = 0; found?.mergedInto && hops < 5; hops++) found = await patientsRepository.findById(tx, found.mergedInto);

  const hc = input.numeroHistoriaClinica;
  if (hc && (found ? found.numeroHistoriaClinica !== hc : await patientsRepository.hcExists(tx, hc))) {
    throw new UnprocessableError('HC_MISMATCH', 'El número de historia clínica enviado corresponde a otro paciente del HCE.',
      [{ path: 'paciente.numeroHistoriaClinica', message: 'No corresponde al paciente de ese documento' }]);
  }
  if (!found) return { row: await deps.service.insert(tx, actor, input), accion: 'CREADO' };

  const row = (await patientsRepository.findByIdForUpdate(tx, found.id))!;
  const values = deps.columns(billingUpdate(deps, row, input));
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const [field, next] of Object.entries(values)) {
    const prev = (row as Record<string, unknown>)[field];
    if (field === 'apoderadoDocumentoEnc') {
      // Only present when the guardian really changed (see billingUpdate); the ciphertext never compares equal.
      changes.apoderado = { old: row.apoderado ? '[datos]' : null, new: '[datos]' };
    } else if (next === undefined || canonicalJson(next ?? null) === canonicalJson(prev ?? null)) {
      delete (values as Record<string, unknown>)[field];
    } else if (field !== 'apoderado') {
      changes[field] = { old: prev, new: next };
    }
  }
  if (Object.keys(changes).length === 0) return { row, accion: 'SIN_CAMBIOS' };
  const [updated] = await tx.update(patients)
    .set({ ...values, version: sql`${patients.version} + 1`, updatedAt: new Date(), updatedBy: actor.actorId ?? null })
    .where(eq(patients.id, row.id)).returning();
  await deps.audit.record(tx, actor, {
    action: 'PATIENT_UPDATED', entity: 'patient', entityId: row.id, patientId: row.id,
    details: { changes, version: updated!.version, origen: 'COBRANZA' },
  });
  return { row: updated!, accion: 'ACTUALIZADO' };
}
