import { z } from 'zod';

export const certificateSchema = z.object({
  subject: z.string(), issuer: z.string(), serial: z.string(), notBefore: z.string(), notAfter: z.string(), autofirmado: z.boolean(),
});

export const attentionSignatureSchema = z.object({
  attention_id: z.uuid(),
  firmado: z.boolean(),
  sello: z.string().nullable(),
  jws: z.string().nullable(),
  alg: z.string().nullable(),
  certificado: certificateSchema.nullable(),
  firmadoEn: z.string().nullable(),
  firmadoPor: z.string().nullable(),
  verificacion: z.object({
    firmaValida: z.boolean(),
    selloCoincide: z.boolean(),
    certificadoVigenteAlFirmar: z.boolean(),
    detalle: z.string().nullable(),
  }).nullable(),
  nota: z.string(),
});
export type AttentionSignatureDto = z.infer<typeof attentionSignatureSchema>;
