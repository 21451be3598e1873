import { z } from 'zod';
import { appointmentSchema } from '../appointments/appointments.schemas.js';
import { patientSchema, SEVERIDADES } from './patients.schemas.js';

export const SECTION_STATUS = ['ok', 'stale', 'error', 'not_configured'] as const;
export type SectionStatus = (typeof SECTION_STATUS)[number];

/** Each part of the view stands alone: a broken system empties its own section, never the view. */
function section<T extends z.ZodType>(data: T) {
  return z.object({
    status: z.enum(SECTION_STATUS).describe('ok; stale = última respuesta válida del sistema externo; error; not_configured'),
    data: data.nullable().describe('null cuando status es error o not_configured'),
    error: z.object({ code: z.string(), detail: z.string() }).optional(),
    source: z.string().optional().describe('Sistema y modo que respondió (PACS/LIS)'),
    fetchedAt: z.string().optional().describe('Cuándo respondió el sistema externo (PACS/LIS)'),
  });
}

const attentionItem = z.object({
  id: z.uuid(),
  attention_id: z.uuid(),
  appointment_id: z.uuid().nullable(),
  fechaAtencion: z.string(),
  tipoAtencion: z.string(),
  motivoConsulta: z.string().nullable(),
  estado: z.string(),
  doctor: z.object({ id: z.uuid(), nombreCompleto: z.string(), especialidad: z.string().nullable() }),
  diagnosticos: z.array(z.object({ cie_code: z.string(), description: z.string(), type: z.string() })),
});

const studyItem = z.object({
  studyId: z.string(), studyDate: z.string().nullable(), modality: z.string().nullable(), description: z.string().nullable(),
  accessionNumber: z.string().nullable(), reportUrl: z.string().nullable(), thumbnailUrl: z.string().nullable(), hasReport: z.boolean(),
});

const resultItem = z.object({
  resultId: z.string(), testDate: z.string().nullable(), testCode: z.string().nullable(), testName: z.string().nullable(),
  category: z.string().nullable(), resultValue: z.string().nullable(), units: z.string().nullable(), referenceRange: z.string().nullable(),
  abnormal: z.boolean().nullable(), status: z.string().nullable(), reportText: z.string().nullable(), reportUrl: z.string().nullable(),
  orderNumber: z.string().nullable(), order_id: z.string().nullable(),
});

export const patientSummarySchema = z.object({
  patient_id: z.uuid(),
  generatedAt: z.string(),
  paciente: section(patientSchema),
  alergias: section(z.array(z.object({ alergia: z.string(), reaccion: z.string().nullable().optional(), severidad: z.enum(SEVERIDADES) }))),
  antecedentes: section(z.array(z.string())),
  medicacionActual: section(z.array(z.string())),
  atenciones: section(z.array(attentionItem)).describe('Últimas atenciones con sus diagnósticos (más reciente primero)'),
  citasProximas: section(z.array(appointmentSchema)).describe('Citas desde hoy (Lima), sin canceladas ni atendidas'),
  estudiosImagen: section(z.array(studyItem)).describe('PACS, consultado en paralelo'),
  resultadosLaboratorio: section(z.array(resultItem)).describe('LIS, consultado en paralelo'),
});
export type PatientSummaryDto = z.infer<typeof patientSummarySchema>;
export type Section<T> = { status: SectionStatus; data: T | null; error?: { code: string; detail: string }; source?: string; fetchedAt?: string };
