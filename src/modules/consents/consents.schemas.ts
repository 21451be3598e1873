import { z } from 'zod';
import { isoDate, personName, text } from '../../shared/http/validators.js';

/** Ley 29733 art. 13.6 asks written consent for sensitive data: a signed form or a digital acceptance. */
export const CANALES_CONSENTIMIENTO = ['PRESENCIAL', 'DIGITAL', 'OTRO'] as const;
export const TIPOS_CONSENTIMIENTO = ['ATENCION_GENERAL', 'PROCEDIMIENTO', 'TRATAMIENTO', 'EXAMEN_AUXILIAR', 'INVESTIGACION', 'OTRO'] as const;
export const FIRMANTES = ['PACIENTE', 'APODERADO'] as const;

export const dataConsentBody = z.strictObject({
  otorgado: z.boolean({ message: 'Indique true (otorga) o false (no otorga)' }),
  canal: z.enum(CANALES_CONSENTIMIENTO, { message: `Use ${CANALES_CONSENTIMIENTO.join(', ')}` }),
  fecha: isoDate.optional(),
  observaciones: text(500).optional(),
}).superRefine((v, ctx) => {
  if (v.canal === 'OTRO' && !v.observaciones) ctx.addIssue({ code: 'custom', path: ['observaciones'], message: 'Con canal OTRO describa cómo se obtuvo el consentimiento.' });
});
export type DataConsentInput = z.infer<typeof dataConsentBody>;

export const revokeQuery = z.strictObject({ motivo: text(300).optional() });

export const dataConsentSchema = z.object({
  id: z.uuid(), consent_id: z.uuid(), patient_id: z.uuid(), otorgado: z.boolean(), canal: z.enum(CANALES_CONSENTIMIENTO), fecha: z.string(),
  observaciones: z.string().nullable(), registradoPor: z.string().nullable(), registradoEn: z.string(), vigente: z.boolean(),
  revocadoEn: z.string().nullable(), revocadoPor: z.string().nullable(), motivoRevocacion: z.string().nullable(),
});
export type DataConsentDto = z.infer<typeof dataConsentSchema>;

export const dataConsentStateSchema = z.object({
  patient_id: z.uuid(),
  /** A current declaration granting consent exists. */
  consentimientoVigente: z.boolean(),
  /** REQUIRE_DATA_CONSENT: clinical data cannot be recorded without a current consent. */
  requeridoParaDatosClinicos: z.boolean(),
  vigente: dataConsentSchema.nullable(),
  historial: z.array(dataConsentSchema),
});

export const informedConsentBody = z.strictObject({
  tipo: z.enum(TIPOS_CONSENTIMIENTO, { message: `Use ${TIPOS_CONSENTIMIENTO.join(', ')}` }),
  procedimiento: text(300),
  firmadoPor: z.enum(FIRMANTES, { message: 'Use PACIENTE o APODERADO' }),
  nombreFirmante: personName(150),
  parentesco: text(60).optional(),
  fecha: isoDate,
  attachment_id: z.uuid('attachment_id debe ser el id de un adjunto de esta atención').optional(),
}).superRefine((v, ctx) => {
  if (v.firmadoPor === 'APODERADO' && !v.parentesco) ctx.addIssue({ code: 'custom', path: ['parentesco'], message: 'Indique el parentesco o la representación del apoderado.' });
});
export type InformedConsentInput = z.infer<typeof informedConsentBody>;

export const informedConsentSchema = z.object({
  id: z.uuid(), consent_id: z.uuid(), attention_id: z.uuid(), patient_id: z.uuid(), tipo: z.enum(TIPOS_CONSENTIMIENTO), procedimiento: z.string(),
  firmadoPor: z.enum(FIRMANTES), nombreFirmante: z.string(), parentesco: z.string().nullable(), fecha: z.string(),
  attachment_id: z.uuid().nullable(), adjuntoVerificado: z.boolean(), posteriorAlCierre: z.boolean(), createdBy: z.string(), createdAt: z.string(),
});
export type InformedConsentDto = z.infer<typeof informedConsentSchema>;
