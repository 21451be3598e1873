import { z } from 'zod';
import { isoDate } from '../../shared/http/validators.js';

/**
 * SUNAT catálogo 07 (tipo de afectación del IGV), the codes of an onerous sale, which is what
 * a paid medical service is. The free-transfer and withdrawal codes (11–17, 21, 31–37) do not
 * apply to a price list and are refused.
 */
export const AFECTACION_IGV = {
  '10': 'Gravado - Operación onerosa',
  '20': 'Exonerado - Operación onerosa',
  '30': 'Inafecto - Operación onerosa',
  '40': 'Exportación de bienes o servicios',
} as const;
export type CodigoAfectacionIgv = keyof typeof AFECTACION_IGV;
const CODIGOS = Object.keys(AFECTACION_IGV) as [CodigoAfectacionIgv, ...CodigoAfectacionIgv[]];

const money = z.union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/, 'Importe con hasta 2 decimales')])
  .transform((v) => Number(v)).pipe(z.number().min(0, 'No puede ser negativo').max(1_000_000, 'Importe demasiado alto'));

export const priceBody = z.strictObject({
  precio: money,
  moneda: z.literal('PEN', { message: 'Solo soles (PEN)' }).default('PEN'),
  vigenteDesde: isoDate,
  codigoAfectacionIgv: z.enum(CODIGOS, { message: `Catálogo 07 de SUNAT: use ${CODIGOS.join(', ')}` }).default('10'),
  codigoProductoSunat: z.string().regex(/^\d{8}$/, 'Catálogo 25 de SUNAT: 8 dígitos').optional().nullable(),
  unidadMedida: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,3}$/, 'Catálogo 03 de SUNAT (UN/ECE rec. 20), p. ej. ZZ para servicios').default('ZZ'),
});
export type PriceInput = z.infer<typeof priceBody>;

export const priceSchema = z.object({
  id: z.uuid(), price_id: z.uuid(), service_type_id: z.uuid(), precio: z.number(), moneda: z.literal('PEN'),
  vigenteDesde: z.string(), vigenteHasta: z.string().nullable(), estado: z.enum(['VIGENTE', 'PROGRAMADO', 'HISTORICO']),
  codigoAfectacionIgv: z.string(), descripcionAfectacionIgv: z.string(), codigoProductoSunat: z.string().nullable(), unidadMedida: z.string(),
  createdBy: z.string().nullable(), createdAt: z.string(),
});
export type PriceDto = z.infer<typeof priceSchema>;

export const priceListSchema = z.object({
  service_type_id: z.uuid(),
  /** The service type's current price (what new appointments snapshot). */
  precioActual: z.number(),
  vigente: priceSchema.nullable(),
  data: z.array(priceSchema),
});
