import { z } from 'zod';
import { appointmentSchema } from '../appointments/appointments.schemas.js';
import { attentionDetailSchema } from '../attentions/attentions.schemas.js';
import { patientSchema } from './patients.schemas.js';

const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Fecha u hora inválida (ISO 8601)');

export const accessLogQuery = z.strictObject({
  desde: dateTime.optional(),
  hasta: dateTime.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const ACCESS_KINDS = ['LECTURA', 'CAMBIO', 'DENEGADO', 'FALLIDO'] as const;

export const accessLogEntrySchema = z.object({
  id: z.number().int(),
  fecha: z.string(),
  accion: z.string(),
  tipo: z.enum(ACCESS_KINDS),
  resultado: z.string(),
  entidad: z.string().nullable(),
  entidadId: z.string().nullable(),
  campos: z.array(z.string()).nullable(),
  usuario: z.object({ id: z.string(), nombreCompleto: z.string().nullable(), rol: z.string().nullable() }).nullable(),
  origen: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
});

export const accessLogSchema = z.object({
  patient_id: z.uuid(),
  data: z.array(accessLogEntrySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const patientExportSchema = z.object({
  formato: z.literal('HCE-EXPORT-1'),
  generadoEn: z.string(),
  generadoPor: z.object({ id: z.string().nullable(), rol: z.string().nullable() }),
  establecimiento: z.object({ nombre: z.string(), codigoIpress: z.string().nullable() }),
  paciente: patientSchema,
  citas: z.array(appointmentSchema),
  atenciones: z.array(attentionDetailSchema),
  /** Sections other modules add (e.g. consentimientos), keyed by name. */
  secciones: z.record(z.string(), z.unknown()),
  auditoria: z.object({
    totalEventos: z.number().int(),
    lecturas: z.number().int(),
    cambios: z.number().int(),
    denegados: z.number().int(),
    primerEvento: z.string().nullable(),
    ultimoEvento: z.string().nullable(),
    porAccion: z.array(z.object({ accion: z.string(), resultado: z.string(), eventos: z.number().int(), usuarios: z.number().int(), ultimo: z.string() })),
  }),
});
export type PatientExport = z.infer<typeof patientExportSchema>;
