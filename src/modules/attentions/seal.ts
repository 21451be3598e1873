import { canonicalJson } from '../../shared/canonical-json.js';
import { sha256Hex } from '../../shared/crypto/keyring.js';
import type { AttentionRow, DiagnosisRow, EvolutionRow, OrderRow, PrescriptionRow, VitalsRow } from './attentions.mapper.js';

/** What an attachment contributes to the sealed record (provided by the attachments module). */
export interface SealedAttachment {
  id: string;
  sha256: string;
  fileName: string;
  uploadedBy: string;
  uploadedAt: Date;
  deletedAt: Date | null;
  addendumSeq: number | null;
}

export interface AttentionContent {
  attention: AttentionRow;
  vitals: VitalsRow | undefined;
  diagnoses: DiagnosisRow[];
  prescriptions: PrescriptionRow[];
  orders: OrderRow[];
  evolutions: EvolutionRow[];
  attachments: SealedAttachment[];
}

const byTime = <T extends { id: string }>(rows: T[], time: (r: T) => Date) =>
  [...rows].sort((a, b) => time(a).getTime() - time(b).getTime() || a.id.localeCompare(b.id));

/**
 * The canonical content of an attention as finalized: main fields, signer, vitals and every
 * clinical item (soft-deleted ones too, with their deletion marks), plus the evolutions and
 * attachments that were part of it before closing. The patient id is left out on purpose: an
 * ADMIN merge of duplicate patients re-points the record, audited, without breaking its seal.
 */
export function canonicalAttention(c: AttentionContent): string {
  const a = c.attention;
  return canonicalJson({
    attention: {
      id: a.id, doctorId: a.doctorId, appointmentId: a.appointmentId, motivoSinCita: a.motivoSinCita, fechaAtencion: a.fechaAtencion,
      tipoAtencion: a.tipoAtencion, motivoConsulta: a.motivoConsulta, anamnesis: a.anamnesis, antecedentes: a.antecedentes,
      examenFisico: a.examenFisico, tiempoEnfermedad: a.tiempoEnfermedad, formaInicio: a.formaInicio, curso: a.curso,
      funcionesBiologicas: a.funcionesBiologicas, planTrabajo: a.planTrabajo, proximaCita: a.proximaCita,
      finalizedAt: a.finalizedAt, firmante: a.firmante,
    },
    vitals: c.vitals ? { ...c.vitals } : null,
    diagnoses: byTime(c.diagnoses, (d) => d.createdAt),
    prescriptions: byTime(c.prescriptions, (p) => p.createdAt),
    orders: byTime(c.orders, (o) => o.createdAt),
    evolutions: byTime(c.evolutions.filter((e) => e.addendumSeq === null), (e) => e.fechaHora)
      .map((e) => ({ id: e.id, notas: e.notas, userId: e.userId, fechaHora: e.fechaHora })),
    attachments: byTime(c.attachments.filter((x) => x.addendumSeq === null), (x) => x.uploadedAt)
      .map((x) => ({ id: x.id, sha256: x.sha256, fileName: x.fileName, uploadedBy: x.uploadedBy, uploadedAt: x.uploadedAt, deletedAt: x.deletedAt })),
  });
}

export function sealOf(content: AttentionContent): string {
  return sha256Hex(canonicalAttention(content));
}

/** One link of the addenda chain: hash over the previous link and the addendum's content. */
export function addendumHash(prevHash: string, addendum: Record<string, unknown>): string {
  return sha256Hex(`${prevHash}|${canonicalJson(addendum)}`);
}

export function evolutionAddendum(e: Pick<EvolutionRow, 'id' | 'attentionId' | 'notas' | 'userId' | 'fechaHora' | 'addendumSeq'>) {
  return { kind: 'evolution', id: e.id, attentionId: e.attentionId, notas: e.notas, userId: e.userId, fechaHora: e.fechaHora, seq: e.addendumSeq };
}

export function attachmentAddendum(x: { id: string; attentionId: string; sha256: string; fileName: string; uploadedBy: string; uploadedAt: Date; addendumSeq: number | null }) {
  return { kind: 'attachment', id: x.id, attentionId: x.attentionId, sha256: x.sha256, fileName: x.fileName, uploadedBy: x.uploadedBy, uploadedAt: x.uploadedAt, seq: x.addendumSeq };
}
