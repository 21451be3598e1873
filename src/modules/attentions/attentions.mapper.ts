import type { AttentionDto } from './attentions.schemas.js';
import type { attentionDiagnoses, evolutions, medicalAttentions, medicalOrders, prescriptions, vitalSigns } from './attentions.table.js';

export type AttentionRow = typeof medicalAttentions.$inferSelect;
export type VitalsRow = typeof vitalSigns.$inferSelect;
export type DiagnosisRow = typeof attentionDiagnoses.$inferSelect;
export type PrescriptionRow = typeof prescriptions.$inferSelect;
export type OrderRow = typeof medicalOrders.$inferSelect;
export type EvolutionRow = typeof evolutions.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;
const num = (v: string | null) => (v === null ? null : Number(v));

export function toAttentionDto(r: AttentionRow): AttentionDto {
  return {
    id: r.id, attention_id: r.id, patient_id: r.patientId, doctor_id: r.doctorId, appointment_id: r.appointmentId, motivoSinCita: r.motivoSinCita,
    fechaAtencion: r.fechaAtencion.toISOString(), tipoAtencion: r.tipoAtencion as AttentionDto['tipoAtencion'], motivoConsulta: r.motivoConsulta,
    anamnesis: r.anamnesis, antecedentes: r.antecedentes ?? null, examenFisico: r.examenFisico, tiempoEnfermedad: r.tiempoEnfermedad,
    formaInicio: r.formaInicio, curso: r.curso, funcionesBiologicas: r.funcionesBiologicas ?? null, planTrabajo: r.planTrabajo,
    proximaCita: r.proximaCita, estado: r.estado as AttentionDto['estado'], finalizedAt: iso(r.finalizedAt), firmante: r.firmante ?? null,
    sealHash: r.sealHash, version: r.version, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

export function toVitalsDto(v: VitalsRow) {
  return {
    id: v.id, pa_sistolica: v.paSistolica, pa_diastolica: v.paDiastolica, fc: v.fc, fr: v.fr, temp: num(v.temp), satO2: v.satO2,
    peso: num(v.peso), talla: num(v.talla), imc: num(v.imc), imcCategoria: v.imcCategoria, imcPediatrico: v.imcPediatrico,
    recordedBy: v.recordedBy, recordedAt: v.recordedAt.toISOString(),
  };
}

const deletion = (r: { deletedAt: Date | null; deletedBy: string | null; motivoEliminacion: string | null }) => ({
  deletedAt: iso(r.deletedAt), deletedBy: r.deletedBy, motivoEliminacion: r.motivoEliminacion,
});

export function toDiagnosisDto(d: DiagnosisRow) {
  return {
    id: d.id, diagnosis_id: d.id, attention_id: d.attentionId, cie_code: d.cieCode, sistema: d.sistema, description: d.description,
    type: d.type as 'PRESUNTIVO' | 'DEFINITIVO' | 'DESCARTADO', fechaInicioSintomas: d.fechaInicioSintomas, notificable: d.notificable,
    createdBy: d.createdBy, createdAt: d.createdAt.toISOString(), ...deletion(d),
  };
}

export function toPrescriptionDto(p: PrescriptionRow) {
  return {
    id: p.id, prescription_id: p.id, attention_id: p.attentionId, medicamento_id: p.medicamentoId, medicamento: p.medicamento,
    dosis: p.dosis, via: p.via, frecuencia: p.frecuencia, duracion: p.duracion, cantidad: Number(p.cantidad), indicaciones: p.indicaciones,
    alertas: p.alertas, alertaConfirmada: p.alertaConfirmada, motivoConfirmacion: p.motivoConfirmacion,
    createdBy: p.createdBy, createdAt: p.createdAt.toISOString(), ...deletion(p),
  };
}

export function toOrderDto(o: OrderRow) {
  return {
    id: o.id, order_id: o.id, attention_id: o.attentionId, numeroOrden: o.numeroOrden, tipo: o.tipo as 'LABORATORIO' | 'IMAGEN' | 'INTERCONSULTA' | 'PROCEDIMIENTO',
    detalle: o.detalle, indicaciones: o.indicaciones, procedure_code: o.procedureCode, procedureName: o.procedureName,
    createdBy: o.createdBy, createdAt: o.createdAt.toISOString(), ...deletion(o),
  };
}

export function toEvolutionDto(e: EvolutionRow, autor: { id: string; nombreCompleto: string; cmp: string | null }) {
  return {
    id: e.id, evolution_id: e.id, attention_id: e.attentionId, notas: e.notas, user_id: e.userId, autor,
    fecha_hora: e.fechaHora.toISOString(), adenda: e.addendumSeq !== null, hash: e.hash, prevHash: e.prevHash,
  };
}
