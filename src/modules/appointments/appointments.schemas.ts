import { z } from 'zod';
import { hhmm, isoDate, text } from '../../shared/http/validators.js';
import { ESTADOS_CITA, INFO_PAGO } from './status.js';

export const TIPOS_SEGURO = ['EPS', 'SIS', 'ESSALUD', 'SOAT', 'PRIVADO', 'OTRO'] as const;

export const seguroSchema = z.strictObject({
  tipo: z.enum(TIPOS_SEGURO, { message: `Use ${TIPOS_SEGURO.join(', ')}` }),
  aseguradora: text(120),
  plan: text(120).optional().nullable(),
  numeroAutorizacion: text(60).optional().nullable(),
});

const money = z.union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/)]).transform((v) => Number(v)).pipe(z.number().min(0).max(1_000_000));

export const serviceTypeBody = z.strictObject({
  codigo: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{2,30}$/, 'Letras, dígitos o guiones (2 a 30)'),
  codigoVentas: text(64).optional().nullable(),
  nombre: text(150),
  especialidad: text(100),
  duracionMinutos: z.number().int().min(5, 'Mínimo 5 minutos').max(480, 'Máximo 480 minutos').default(20),
  precio: money,
  codigoCpms: z.string().trim().regex(/^[0-9A-Z.]{3,12}$/, 'Código CPMS inválido').optional().nullable(),
  activo: z.boolean().default(true),
});
export const updateServiceTypeBody = serviceTypeBody.partial().extend({ version: z.number().int().positive().optional() });

export const serviceTypeSchema = z.object({
  id: z.uuid(), codigo: z.string(), codigoVentas: z.string().nullable(), nombre: z.string(), especialidad: z.string(),
  duracionMinutos: z.number().int(), precio: z.number(), moneda: z.literal('PEN'), codigoCpms: z.string().nullable(),
  activo: z.boolean(), origen: z.string(), version: z.number().int(),
});
export type ServiceTypeDto = z.infer<typeof serviceTypeSchema>;

export const createAppointmentBody = z.strictObject({
  patient_id: z.uuid('patient_id debe ser un UUID'),
  doctor_id: z.uuid('doctor_id debe ser un UUID'),
  fecha: isoDate,
  hora: hhmm,
  service_type_id: z.uuid('service_type_id debe ser un UUID'),
  descripcionServicio: text(200).optional(),
  infoPago: z.enum(INFO_PAGO, { message: `Use ${INFO_PAGO.join(', ')}` }),
  codigoExternoCita: text(64).optional().nullable(),
  estado: z.enum(['PENDIENTE', 'CONFIRMADA'], { message: 'Una cita nueva empieza PENDIENTE o CONFIRMADA' }).default('PENDIENTE'),
  seguro: seguroSchema.optional().nullable(),
  sobrecupo: z.boolean().default(false),
  motivoSobrecupo: text(300).optional(),
}).superRefine((v, ctx) => {
  if (v.infoPago === 'SEGURO' && !v.seguro) ctx.addIssue({ code: 'custom', path: ['seguro'], message: 'Con infoPago SEGURO indique los datos del seguro.' });
  if (v.infoPago !== 'SEGURO' && v.seguro) ctx.addIssue({ code: 'custom', path: ['seguro'], message: 'Los datos del seguro solo aplican con infoPago SEGURO.' });
});
export type CreateAppointmentInput = z.infer<typeof createAppointmentBody>;

export const updateAppointmentBody = z.strictObject({
  fecha: isoDate.optional(),
  hora: hhmm.optional(),
  doctor_id: z.uuid().optional(),
  estado: z.enum(ESTADOS_CITA, { message: `Use ${ESTADOS_CITA.join(', ')}` }).optional(),
  infoPago: z.enum(INFO_PAGO).optional(),
  seguro: seguroSchema.optional().nullable(),
  descripcionServicio: text(200).optional(),
  codigoExternoCita: text(64).optional().nullable(),
  sobrecupo: z.boolean().optional(),
  version: z.number().int().positive().optional(),
});
export type UpdateAppointmentInput = z.infer<typeof updateAppointmentBody>;

const personRef = z.object({ id: z.uuid(), nombreCompleto: z.string() });
export const appointmentSchema = z.object({
  id: z.uuid(),
  appointment_id: z.uuid(),
  patient_id: z.uuid(),
  doctor_id: z.uuid(),
  service_type_id: z.uuid(),
  fecha: z.string(),
  hora: z.string(),
  duracionMinutos: z.number().int(),
  descripcionServicio: z.string(),
  estado: z.enum(ESTADOS_CITA),
  infoPago: z.enum(INFO_PAGO),
  seguro: z.object({ tipo: z.enum(TIPOS_SEGURO), aseguradora: z.string(), plan: z.string().nullable().optional(), numeroAutorizacion: z.string().nullable().optional() }).nullable(),
  codigoExternoCita: z.string().nullable(),
  idTransaccionVentas: z.string().nullable(),
  sobrecupo: z.boolean(),
  precio: z.number().nullable(),
  patient: personRef.extend({ numeroHistoriaClinica: z.string(), tipoDocumento: z.string(), numeroDocumento: z.string().nullable() }),
  doctor: personRef.extend({ especialidad: z.string().nullable(), cmp: z.string().nullable() }),
  serviceType: z.object({ id: z.uuid(), codigo: z.string(), nombre: z.string(), especialidad: z.string(), duracionMinutos: z.number().int() }),
  historial: z.array(z.object({ fecha: z.string(), hora: z.string(), doctor_id: z.string(), estado: z.string(), cambiadoEn: z.string(), cambiadoPor: z.string().nullable() })),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AppointmentDto = z.infer<typeof appointmentSchema>;

export const listAppointmentsQuery = z.strictObject({
  doctor_id: z.uuid().optional(),
  patient_id: z.uuid().optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  date: isoDate.optional(),
  status: z.enum(ESTADOS_CITA).optional(),
  estado: z.enum(ESTADOS_CITA).optional(),
  service_type: z.string().trim().max(64).optional(),
  infoPago: z.enum(INFO_PAGO).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).superRefine((v, ctx) => {
  if (v.start_date && v.end_date && v.end_date < v.start_date) ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'end_date es anterior a start_date' });
  if (v.status && v.estado && v.status !== v.estado) ctx.addIssue({ code: 'custom', path: ['estado'], message: 'status y estado no coinciden' });
});
export type ListAppointmentsQuery = z.infer<typeof listAppointmentsQuery>;
