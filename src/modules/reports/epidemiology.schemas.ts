import { z } from 'zod';
import { longText, text } from '../../shared/http/validators.js';
import { periodFields } from './period.js';

export const EPI_ESTADOS = ['PENDIENTE', 'NOTIFICADA', 'DESCARTADA'] as const;
export const PERIODICIDADES = ['INMEDIATA', 'SEMANAL'] as const;

const dateTime = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  'Fecha y hora ISO 8601 con zona (ej. 2026-02-03T10:00:00-05:00)');

export const epiListQuery = z.strictObject({
  ...periodFields,
  estado: z.enum(EPI_ESTADOS, { message: `Use ${EPI_ESTADOS.join(', ')}` }).optional(),
});

export const notifyBody = z.strictObject({
  codigoNotiweb: text(40).optional(),
  observacion: longText(1000).optional(),
  fechaNotificacion: dateTime.optional(),
});
export type NotifyInput = z.infer<typeof notifyBody>;
/** "Notified now, by me" needs no body: a POST without one counts as {}. */
export const optionalNotifyBody = z.preprocess((v) => v ?? {}, notifyBody);

const cieList = z.array(z.string().trim().min(3, 'Código CIE-10 inválido').max(8, 'Código CIE-10 inválido'))
  .min(1, 'Indique al menos un código CIE-10 o categoría').max(50, 'Máximo 50 códigos');

export const diseaseBody = z.strictObject({
  codigo: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{2,40}$/, 'Letras mayúsculas, dígitos o guion bajo (2 a 40)'),
  nombre: text(200),
  cieCodigos: cieList,
  periodicidad: z.enum(PERIODICIDADES, { message: 'Use INMEDIATA o SEMANAL' }),
  fuente: text(300).optional().nullable(),
  verificado: z.boolean().default(false),
  activo: z.boolean().default(true),
});
export type DiseaseInput = z.infer<typeof diseaseBody>;

export const updateDiseaseBody = z.strictObject({
  nombre: text(200).optional(),
  cieCodigos: cieList.optional(),
  periodicidad: z.enum(PERIODICIDADES, { message: 'Use INMEDIATA o SEMANAL' }).optional(),
  fuente: text(300).optional().nullable(),
  verificado: z.boolean().optional(),
  activo: z.boolean().optional(),
});
export type UpdateDiseaseInput = z.infer<typeof updateDiseaseBody>;

export const diseasesQuery = z.strictObject({
  incluirInactivas: z.enum(['true', 'false'], { message: 'Use true o false' }).transform((v) => v === 'true').optional(),
});

// Responses (no transforms: they are encoded, not parsed).
export const diseaseSchema = z.object({
  id: z.uuid(), codigo: z.string(), nombre: z.string(), cieCodigos: z.array(z.string()), periodicidad: z.enum(PERIODICIDADES),
  fuente: z.string().nullable(), verificado: z.boolean(), activo: z.boolean(), updatedAt: z.string(),
});
export type DiseaseDto = z.infer<typeof diseaseSchema>;

export const epiNotificationSchema = z.object({
  id: z.uuid(),
  notification_id: z.uuid(),
  estado: z.enum(EPI_ESTADOS),
  periodicidad: z.enum(PERIODICIDADES),
  /** Immediate (24 h) and still pending: shown first and flagged. */
  urgente: z.boolean(),
  semana: z.string(),
  semanaAnio: z.number().int(),
  semanaNumero: z.number().int(),
  enfermedad: z.object({ id: z.uuid(), codigo: z.string(), nombre: z.string() }),
  cie_code: z.string(),
  tipoDiagnostico: z.enum(['PRESUNTIVO', 'DEFINITIVO']),
  fechaDiagnostico: z.string(),
  fechaInicioSintomas: z.string(),
  paciente: z.object({
    id: z.uuid(), nombreCompleto: z.string(), numeroHistoriaClinica: z.string(), tipoDocumento: z.string(), numeroDocumento: z.string().nullable(),
    sexo: z.string(), fechaNacimiento: z.string(), edad: z.number().int(),
  }),
  ubigeo: z.string().nullable(),
  departamento: z.string().nullable(),
  provincia: z.string().nullable(),
  distrito: z.string().nullable(),
  doctor: z.object({ id: z.uuid(), nombreCompleto: z.string(), cmp: z.string().nullable() }),
  attention_id: z.uuid(),
  diagnosis_id: z.uuid(),
  diagnosticoEliminado: z.boolean(),
  plazoNotificacion: z.string(),
  vencida: z.boolean(),
  notificadaAt: z.string().nullable(),
  notificadaPor: z.string().nullable(),
  codigoNotiweb: z.string().nullable(),
  observacion: z.string().nullable(),
  descartadaAt: z.string().nullable(),
  historial: z.array(z.object({
    at: z.string(), evento: z.string(), diagnosis_id: z.string().nullable(), attention_id: z.string().nullable(), tipo: z.string().nullable(), usuario: z.string().nullable(),
  })),
  createdAt: z.string(),
});
export type EpiNotificationDto = z.infer<typeof epiNotificationSchema>;

export const epiReportSchema = z.object({
  desde: z.string(),
  hasta: z.string(),
  semana: z.string().nullable(),
  total: z.number().int(),
  data: z.array(epiNotificationSchema),
});

export const epiPendingSchema = z.object({
  generadoEn: z.string(),
  inmediatas: z.array(epiNotificationSchema),
  semanales: z.array(epiNotificationSchema),
  vencidas: z.number().int(),
});
