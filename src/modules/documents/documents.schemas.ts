import { z } from 'zod';

export const TIPOS_DOCUMENTO_IMPRESO = ['RECETA', 'INFORME_ATENCION'] as const;
export type TipoDocumentoImpreso = (typeof TIPOS_DOCUMENTO_IMPRESO)[number];

export const verifyParams = z.object({ code: z.string().min(1).max(40) });

/** What anyone holding a printed document may learn: no clinical content, no patient identifiers. */
export const verificationSchema = z.object({
  valido: z.boolean(),
  tipoDocumento: z.enum(TIPOS_DOCUMENTO_IMPRESO),
  emitidoEn: z.string(),
  establecimiento: z.string(),
  firmante: z.object({ nombreCompleto: z.string(), cmp: z.string().nullable() }),
  selloCoincide: z.boolean(),
});
export type VerificationDto = z.infer<typeof verificationSchema>;
