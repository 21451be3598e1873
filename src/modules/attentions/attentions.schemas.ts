import { z } from 'zod';
import { isoDate, longText, text } from '../../shared/http/validators.js';

export const TIPOS_ATENCION = ['CONSULTA', 'EMERGENCIA', 'CONTROL'] as const;
export const TIPOS_DIAGNOSTICO = ['PRESUNTIVO', 'DEFINITIVO', 'DESCARTADO'] as const;
export const TIPOS_ORDEN = ['LABORATORIO', 'IMAGEN', 'INTERCONSULTA', 'PROCEDIMIENTO'] as const;

const dateTime = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  'Fecha y hora ISO 8601 con zona (ej. 2026-11-28T09:30:00-05:00)');

const funcionesBiologicas = z.strictObject({
  apetito: text(200).optional().nullable(),
  sed: text(200).optional().nullable(),
  sueno: text(200).optional().nullable(),
  orina: text(200).optional().nullable(),
  deposiciones: text(200).optional().nullable(),
});

/** JSON or free text, as the document allows; bounded in size. */
const antecedentes = z.union([longText(10_000), z.record(z.string(), z.unknown())])
  .refine((v) => JSON.stringify(v).length <= 20_000, 'Los antecedentes no pueden superar 20 000 caracteres');

const mainFields = {
  motivoConsulta: longText(2000).optional().nullable(),
  anamnesis: longText(10_000).optional().nullable(),
  antecedentes: antecedentes.optional().nullable(),
  examenFisico: longText(10_000).optional().nullable(),
  tiempoEnfermedad: text(100).optional().nullable(),
  formaInicio: text(100).optional().nullable(),
  curso: text(100).optional().nullable(),
  funcionesBiologicas: funcionesBiologicas.optional().nullable(),
  planTrabajo: longText(5000).optional().nullable(),
  proximaCita: isoDate.optional().nullable(),
};

export const createAttentionBody = z.strictObject({
  patient_id: z.uuid('patient_id debe ser un UUID'),
  doctor_id: z.uuid('doctor_id debe ser un UUID').optional(),
  appointment_id: z.uuid('appointment_id debe ser un UUID').optional().nullable(),
  motivoSinCita: text(300).optional(),
  fechaAtencion: dateTime.optional(),
  tipoAtencion: z.enum(TIPOS_ATENCION, { message: 'Use CONSULTA, EMERGENCIA o CONTROL' }),
  ...mainFields,
});
export type CreateAttentionInput = z.infer<typeof createAttentionBody>;

export const updateAttentionBody = z.strictObject({
  fechaAtencion: dateTime.optional(),
  tipoAtencion: z.enum(TIPOS_ATENCION).optional(),
  ...mainFields,
  version: z.number().int().positive().optional(),
});
export type UpdateAttentionInput = z.infer<typeof updateAttentionBody>;

export const vitalsBody = z.strictObject({
  pa_sistolica: z.number().int('Número entero (mmHg)').min(50, 'Mínimo 50 mmHg').max(300, 'Máximo 300 mmHg').optional(),
  pa_diastolica: z.number().int('Número entero (mmHg)').min(20, 'Mínimo 20 mmHg').max(200, 'Máximo 200 mmHg').optional(),
  fc: z.number().int('Latidos por minuto, entero').min(20, 'Mínimo 20 lpm').max(250, 'Máximo 250 lpm').optional(),
  fr: z.number().int('Respiraciones por minuto, entero').min(4, 'Mínimo 4 rpm').max(80, 'Máximo 80 rpm').optional(),
  temp: z.number().min(30, 'Mínimo 30 °C').max(45, 'Máximo 45 °C').optional(),
  satO2: z.number().int('Porcentaje entero').min(40, 'Mínimo 40 %').max(100, 'Máximo 100 %').optional(),
  peso: z.number().min(0.3, 'Mínimo 0.3 kg').max(400, 'Máximo 400 kg').optional(),
  talla: z.number().min(0.2, 'Talla en metros: mínimo 0.20 m').max(2.6, 'Talla en metros: máximo 2.60 m').optional(),
}).superRefine((v, ctx) => {
  if (Object.keys(v).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'Envíe al menos un signo vital' });
  if ((v.pa_sistolica === undefined) !== (v.pa_diastolica === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.pa_sistolica === undefined ? 'pa_sistolica' : 'pa_diastolica'], message: 'La presión arterial requiere sistólica y diastólica' });
  } else if (v.pa_sistolica !== undefined && v.pa_diastolica !== undefined && v.pa_diastolica >= v.pa_sistolica) {
    ctx.addIssue({ code: 'custom', path: ['pa_diastolica'], message: 'La diastólica debe ser menor que la sistólica' });
  }
});
export type VitalsInput = z.infer<typeof vitalsBody>;

export const diagnosisBody = z.strictObject({
  cie_code: z.string().trim().min(3, 'Código CIE-10 inválido').max(8, 'Código CIE-10 inválido'),
  description: text(300).optional(),
  type: z.enum(TIPOS_DIAGNOSTICO, { message: 'Use PRESUNTIVO, DEFINITIVO o DESCARTADO' }),
  sistema: z.enum(['CIE-10', 'CIE-11']).default('CIE-10'),
  fechaInicioSintomas: isoDate.optional(),
});

export const prescriptionBody = z.strictObject({
  medicamento_id: z.uuid('medicamento_id debe ser el id del catálogo de medicamentos'),
  dosis: text(100),
  via: text(60),
  frecuencia: text(100),
  duracion: text(100),
  cantidad: z.number().positive('Debe ser mayor que cero').max(10_000, 'Cantidad demasiado grande'),
  indicaciones: longText(1000).optional().nullable(),
  confirmarAlerta: z.boolean().optional(),
  motivo: text(500).optional(),
});

export const orderBody = z.strictObject({
  tipo: z.enum(TIPOS_ORDEN, { message: 'Use LABORATORIO, IMAGEN, INTERCONSULTA o PROCEDIMIENTO' }),
  detalle: longText(1000),
  indicaciones: longText(1000).optional().nullable(),
  procedure_code: z.string().trim().max(20).optional(),
});

export const evolutionBody = z.strictObject({ notas: longText(10_000) });

export const deleteQuery = z.strictObject({ motivo: text(300).optional() });
export const detailQuery = z.strictObject({ incluirEliminados: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });

// Responses (no transforms: they are encoded, not parsed).
const softDeleted = { deletedAt: z.string().nullable(), deletedBy: z.string().nullable(), motivoEliminacion: z.string().nullable() };
export const vitalsSchema = z.object({
  id: z.uuid(), pa_sistolica: z.number().nullable(), pa_diastolica: z.number().nullable(), fc: z.number().nullable(), fr: z.number().nullable(),
  temp: z.number().nullable(), satO2: z.number().nullable(), peso: z.number().nullable(), talla: z.number().nullable(),
  imc: z.number().nullable(), imcCategoria: z.string().nullable(), imcPediatrico: z.boolean(), recordedBy: z.string(), recordedAt: z.string(),
});
export const diagnosisSchema = z.object({
  id: z.uuid(), diagnosis_id: z.uuid(), attention_id: z.uuid(), cie_code: z.string(), sistema: z.string(), description: z.string(),
  type: z.enum(TIPOS_DIAGNOSTICO), fechaInicioSintomas: z.string().nullable(), notificable: z.string().nullable(),
  createdBy: z.string(), createdAt: z.string(), ...softDeleted,
});
export const alertSchema = z.object({ tipo: z.string(), severidad: z.string(), alergia: z.string(), medicamento: z.string(), mensaje: z.string() });
export const prescriptionSchema = z.object({
  id: z.uuid(), prescription_id: z.uuid(), attention_id: z.uuid(), medicamento_id: z.uuid(),
  medicamento: z.object({ dci: z.string(), concentracion: z.string().nullable(), formaFarmaceutica: z.string().nullable(), via: z.string().nullable(), codigoAtc: z.string().nullable(), controlado: z.boolean() }),
  dosis: z.string(), via: z.string(), frecuencia: z.string(), duracion: z.string(), cantidad: z.number(), indicaciones: z.string().nullable(),
  alertas: z.array(alertSchema), alertaConfirmada: z.boolean(), motivoConfirmacion: z.string().nullable(),
  createdBy: z.string(), createdAt: z.string(), ...softDeleted,
});
export const orderSchema = z.object({
  id: z.uuid(), order_id: z.uuid(), attention_id: z.uuid(), numeroOrden: z.string(), tipo: z.enum(TIPOS_ORDEN), detalle: z.string(),
  indicaciones: z.string().nullable(), procedure_code: z.string().nullable(), procedureName: z.string().nullable(),
  createdBy: z.string(), createdAt: z.string(), ...softDeleted,
});
export const evolutionSchema = z.object({
  id: z.uuid(), evolution_id: z.uuid(), attention_id: z.uuid(), notas: z.string(), user_id: z.string(), autor: z.object({ id: z.string(), nombreCompleto: z.string(), cmp: z.string().nullable() }),
  fecha_hora: z.string(), adenda: z.boolean(), hash: z.string().nullable(), prevHash: z.string().nullable(),
});
export const attachmentSummarySchema = z.object({
  id: z.uuid(), attachment_id: z.uuid(), fileName: z.string(), fileType: z.string(), description: z.string().nullable(), size: z.number(),
  sha256: z.string(), uploadedBy: z.string(), uploadedAt: z.string(), urlPath: z.string(), deletedAt: z.string().nullable(),
});
export const attentionSchema = z.object({
  id: z.uuid(), attention_id: z.uuid(), patient_id: z.uuid(), doctor_id: z.uuid(), appointment_id: z.uuid().nullable(), motivoSinCita: z.string().nullable(),
  fechaAtencion: z.string(), tipoAtencion: z.enum(TIPOS_ATENCION), motivoConsulta: z.string().nullable(), anamnesis: z.string().nullable(),
  antecedentes: z.unknown(), examenFisico: z.string().nullable(), tiempoEnfermedad: z.string().nullable(), formaInicio: z.string().nullable(),
  curso: z.string().nullable(), funcionesBiologicas: z.record(z.string(), z.string().nullable()).nullable(), planTrabajo: z.string().nullable(),
  proximaCita: z.string().nullable(), estado: z.enum(['ABIERTA', 'FINALIZADA']), finalizedAt: z.string().nullable(),
  firmante: z.object({ doctor_id: z.string(), nombreCompleto: z.string(), cmp: z.string().nullable() }).nullable(), sealHash: z.string().nullable(),
  version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
});
export const attentionDetailSchema = attentionSchema.extend({
  doctor: z.object({ id: z.string(), nombreCompleto: z.string(), especialidad: z.string().nullable(), cmp: z.string().nullable() }),
  patient: z.object({ id: z.string(), nombreCompleto: z.string(), numeroHistoriaClinica: z.string(), tipoDocumento: z.string(), numeroDocumento: z.string().nullable(), fechaNacimiento: z.string(), sexo: z.string(), edad: z.number().int() }),
  vitals: vitalsSchema.nullable(),
  diagnoses: z.array(diagnosisSchema),
  prescriptions: z.array(prescriptionSchema),
  orders: z.array(orderSchema),
  attachments: z.array(attachmentSummarySchema),
  evolutions: z.array(evolutionSchema),
});
export type AttentionDto = z.infer<typeof attentionSchema>;
export type AttentionDetailDto = z.infer<typeof attentionDetailSchema>;
