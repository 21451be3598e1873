import { z } from 'zod';
import { INFO_PAGO } from '../appointments/status.js';
import { periodFields } from '../reports/period.js';

export const billingServicesQuery = z.strictObject({
  ...periodFields,
  estado: z.enum(INFO_PAGO, { message: `Estado de pago: ${INFO_PAGO.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const reconciliationQuery = z.strictObject(periodFields);

/** One future invoice line (UBL 2.1 InvoiceLine): who, what, how much, and the billing system's ids. */
export const billingLineSchema = z.object({
  origen: z.enum(['CITA', 'ATENCION_SIN_CITA']),
  appointment_id: z.uuid().nullable(),
  attention_id: z.uuid().nullable(),
  fecha: z.string(),
  hora: z.string().nullable(),
  estadoPago: z.string().nullable(),
  idTransaccionVentas: z.string().nullable(),
  codigoExternoCita: z.string().nullable(),
  seguro: z.object({ tipo: z.string(), aseguradora: z.string() }).nullable(),
  paciente: z.object({
    id: z.uuid(), nombreCompleto: z.string(), tipoDocumento: z.string(), codigoTipoDocumentoSunat: z.string(),
    numeroDocumento: z.string().nullable(), numeroHistoriaClinica: z.string(),
  }),
  medico: z.object({ id: z.uuid(), nombreCompleto: z.string(), cmp: z.string().nullable() }),
  servicio: z.object({
    id: z.uuid(), codigo: z.string(), codigoVentas: z.string().nullable(), nombre: z.string(), codigoCpms: z.string().nullable(),
    codigoProductoSunat: z.string().nullable(), unidadMedida: z.string(),
  }).nullable(),
  moneda: z.literal('PEN'),
  precio: z.number().nullable(),
  valorVenta: z.number().nullable(),
  igv: z.number().nullable(),
  porcentajeIgv: z.number(),
  codigoAfectacionIgv: z.string().nullable(),
  precioIncluyeIgv: z.literal(true),
  tarifaRegistrada: z.boolean(),
});
export type BillingLine = z.infer<typeof billingLineSchema>;

export const billingServicesSchema = z.object({
  desde: z.string(), hasta: z.string(),
  totales: z.object({ lineas: z.number().int(), importe: z.number(), valorVenta: z.number(), igv: z.number() }),
  data: z.array(billingLineSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int(),
});
export type BillingServicesReport = z.infer<typeof billingServicesSchema>;

export const reconciliationItemSchema = z.object({
  appointment_id: z.uuid().nullable(), attention_id: z.uuid().nullable(), fecha: z.string(), hora: z.string().nullable(),
  estado: z.string().nullable(), infoPago: z.string().nullable(), idTransaccionVentas: z.string().nullable(), codigoExternoCita: z.string().nullable(),
  paciente: z.object({ id: z.uuid(), nombreCompleto: z.string(), numeroHistoriaClinica: z.string() }),
  medico: z.object({ id: z.uuid(), nombreCompleto: z.string() }),
  servicio: z.object({ codigo: z.string(), nombre: z.string() }).nullable(),
  precio: z.number().nullable(),
});
export type ReconciliationItem = z.infer<typeof reconciliationItemSchema>;
const list = z.object({ total: z.number().int(), importe: z.number(), data: z.array(reconciliationItemSchema) });

export const reconciliationSchema = z.object({
  desde: z.string(), hasta: z.string(),
  atendidasNoPagadas: list,
  pagadasNoAtendidas: list,
  canceladasConPago: list,
  /** Finalized attentions with no appointment, hence no payment record at all. */
  atencionesSinCita: list,
});
export type ReconciliationReport = z.infer<typeof reconciliationSchema>;
