import { z } from 'zod';
import { isoDate, longText } from '../../shared/http/validators.js';
import { periodFields } from '../reports/period.js';

/** DIGEMID's notification form grades severity leve / moderada / grave; death is an outcome (desenlace). */
export const SEVERIDADES_RAM = ['LEVE', 'MODERADA', 'GRAVE'] as const;
export const DESENLACES_RAM = ['RECUPERADO', 'EN_RECUPERACION', 'NO_RECUPERADO', 'SECUELAS', 'MORTAL', 'DESCONOCIDO'] as const;

export const ramBody = z.strictObject({
  prescription_id: z.uuid('prescription_id debe ser el id de una prescripción de esta atención').optional(),
  medicamento_id: z.uuid('medicamento_id debe ser el id del catálogo de medicamentos').optional(),
  reaccion: longText(2000),
  severidad: z.enum(SEVERIDADES_RAM, { message: `Use ${SEVERIDADES_RAM.join(', ')}` }),
  fechaInicio: isoDate,
  fechaFin: isoDate.optional(),
  desenlace: z.enum(DESENLACES_RAM, { message: `Use ${DESENLACES_RAM.join(', ')}` }),
  observaciones: longText(2000).optional(),
}).superRefine((v, ctx) => {
  if (Boolean(v.prescription_id) === Boolean(v.medicamento_id)) {
    ctx.addIssue({ code: 'custom', path: ['medicamento_id'], message: 'Indique prescription_id (medicamento prescrito en esta atención) o medicamento_id (del catálogo), uno de los dos.' });
  }
  if (v.fechaFin && v.fechaFin < v.fechaInicio) ctx.addIssue({ code: 'custom', path: ['fechaFin'], message: 'fechaFin es anterior a fechaInicio.' });
  if (v.desenlace === 'MORTAL' && v.severidad !== 'GRAVE') ctx.addIssue({ code: 'custom', path: ['severidad'], message: 'Una reacción con desenlace MORTAL es GRAVE.' });
});
export type RamInput = z.infer<typeof ramBody>;

const medicamento = z.object({
  dci: z.string(), codigoAtc: z.string().nullable(), concentracion: z.string().nullable(), formaFarmaceutica: z.string().nullable(),
  dosis: z.string().nullable(), via: z.string().nullable(), frecuencia: z.string().nullable(),
});

export const ramSchema = z.object({
  id: z.uuid(), ram_id: z.uuid(), attention_id: z.uuid(), patient_id: z.uuid(), prescription_id: z.uuid().nullable(), medicamento_id: z.uuid().nullable(),
  medicamento, reaccion: z.string(), severidad: z.enum(SEVERIDADES_RAM), fechaInicio: z.string(), fechaFin: z.string().nullable(),
  desenlace: z.enum(DESENLACES_RAM), observaciones: z.string().nullable(), notificadoPor: z.string(), createdAt: z.string(),
});
export type RamDto = z.infer<typeof ramSchema>;

export const pharmacovigilanceQuery = z.strictObject(periodFields);

/** One line per suspected reaction, with what DIGEMID's form asks: the patient by initials, age and sex. */
export const pharmacovigilanceRowSchema = z.object({
  ram_id: z.uuid(), attention_id: z.uuid(), fechaNotificacion: z.string(),
  paciente: z.object({ iniciales: z.string(), edad: z.number().int(), sexo: z.string(), numeroHistoriaClinica: z.string() }),
  medicamento, reaccion: z.string(), severidad: z.string(), fechaInicio: z.string(), fechaFin: z.string().nullable(), desenlace: z.string(),
  observaciones: z.string().nullable(), notificador: z.object({ nombreCompleto: z.string(), cmp: z.string().nullable() }),
});
export const pharmacovigilanceReportSchema = z.object({
  desde: z.string(), hasta: z.string(), establecimiento: z.string(), total: z.number().int(),
  porSeveridad: z.object({ LEVE: z.number().int(), MODERADA: z.number().int(), GRAVE: z.number().int() }),
  data: z.array(pharmacovigilanceRowSchema),
});
export type PharmacovigilanceReport = z.infer<typeof pharmacovigilanceReportSchema>;
