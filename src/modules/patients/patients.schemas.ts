import { z } from 'zod';
import type { FieldError } from '../../shared/errors.js';
import { email, isoDate, personName, text } from '../../shared/http/validators.js';
import { ageInYears, todayInLima } from '../../shared/time.js';
import { ubigeo } from '../catalogs/ubigeo.js';
import { ISO_ALPHA3 } from './countries.js';
import { DETALLES_OTROS, documentNumberProblem, isValidDniCheck, TIPOS_DOCUMENTO, type DetalleOtros, type TipoDocumento } from './documents.js';

/** What an HC number can look like (imported ones included; HC_PREFIX in env.ts keeps to it). */
export const HC_NUMBER = /^[A-Z0-9-]{1,30}$/;

export const SEXOS = ['M', 'F', 'OTRO'] as const;
export const ESTADOS_CIVILES = ['SOLTERO', 'CASADO', 'CONVIVIENTE', 'DIVORCIADO', 'VIUDO', 'SEPARADO'] as const;
export const SEVERIDADES = ['LEVE', 'MODERADA', 'GRAVE'] as const;
export const GRUPOS_SANGUINEOS = ['A', 'B', 'AB', 'O'] as const;
export const FACTORES_RH = ['POSITIVO', 'NEGATIVO'] as const;

const documentNumber = z.string().transform((v) => v.normalize('NFC').trim().toUpperCase()).pipe(z.string().min(1, 'No puede estar vacío').max(20, 'No puede superar 20 caracteres'));
export const mobilePhone = z.string().transform((v) => v.replace(/[\s-]/g, '')).pipe(z.string().regex(/^9\d{8}$/, 'Celular peruano de 9 dígitos que empieza con 9'));
const landline = z.string().transform((v) => v.replace(/[\s()-]/g, '')).pipe(z.string().regex(/^0?\d{6,9}$/, 'Teléfono fijo de 6 a 9 dígitos (con código de ciudad opcional)'));
const anyPhone = z.string().transform((v) => v.replace(/[\s()-]/g, '')).pipe(z.string().regex(/^\+?\d{6,15}$/, 'Teléfono de 6 a 15 dígitos'));

export const alergiaSchema = z.strictObject({
  alergia: text(100),
  reaccion: text(300).optional().nullable(),
  severidad: z.enum(SEVERIDADES, { message: 'Use LEVE, MODERADA o GRAVE' }),
});

const apoderadoInput = z.strictObject({
  nombre: personName(150),
  tipoDocumento: z.enum(TIPOS_DOCUMENTO, { message: `Use ${TIPOS_DOCUMENTO.join(', ')}` }),
  numeroDocumento: documentNumber,
  parentesco: text(40),
  telefono: anyPhone.optional().nullable(),
});

const contactoInput = z.strictObject({ nombre: personName(150), telefono: anyPhone, relacion: text(40) });

/** Every field of the patient API; required ones are enforced by the create schema. */
export const patientFields = {
  tipoDocumento: z.enum(TIPOS_DOCUMENTO, { message: `Use ${TIPOS_DOCUMENTO.join(', ')}` }),
  tipoDocumentoDetalle: z.enum(DETALLES_OTROS, { message: `Use ${DETALLES_OTROS.join(', ')}` }).optional().nullable(),
  numeroDocumento: documentNumber.optional().nullable(),
  digitoVerificador: z.string().trim().regex(/^[0-9A-Za-z]$/, 'Un dígito o letra').optional(),
  nombres: personName(),
  apellidoPaterno: personName(),
  apellidoMaterno: personName().optional().nullable(),
  fechaNacimiento: isoDate,
  sexo: z.enum(SEXOS, { message: 'Use M, F u OTRO' }),
  estadoCivil: z.enum(ESTADOS_CIVILES, { message: `Use ${ESTADOS_CIVILES.join(', ')}` }).optional().nullable(),
  nacionalidad: z.string().trim().toUpperCase().optional(),
  direccion: text(250).optional().nullable(),
  departamento: text(80).optional().nullable(),
  provincia: text(80).optional().nullable(),
  distrito: text(80).optional().nullable(),
  telefonoMovil: mobilePhone.optional().nullable(),
  telefonoFijo: landline.optional().nullable(),
  email: email.optional().nullable(),
  numeroHistoriaClinica: z.string().trim().toUpperCase().regex(HC_NUMBER, 'Solo letras, dígitos y guiones (máx. 30)').optional(),
  codigoExternoPaciente: text(64).optional().nullable(),
  pacsPatientId: text(64).optional().nullable(),
  lisPatientId: text(64).optional().nullable(),
  grupoSanguineo: z.enum(GRUPOS_SANGUINEOS, { message: 'Use A, B, AB u O' }).optional().nullable(),
  factorRh: z.enum(FACTORES_RH, { message: 'Use POSITIVO o NEGATIVO' }).optional().nullable(),
  antecedentesCronicos: z.array(text(300)).max(50).optional(),
  medicacionActual: z.array(text(300)).max(50).optional(),
  alergias: z.array(alergiaSchema).max(50).optional(),
  contactoEmergencia: contactoInput.optional().nullable(),
  apoderado: apoderadoInput.optional().nullable(),
};

export interface PatientRuleInput {
  tipoDocumento: TipoDocumento;
  tipoDocumentoDetalle?: DetalleOtros | null | undefined;
  numeroDocumento?: string | null | undefined;
  digitoVerificador?: string | undefined;
  fechaNacimiento: string;
  nacionalidad?: string | undefined;
  departamento?: string | null | undefined;
  provincia?: string | null | undefined;
  distrito?: string | null | undefined;
  apoderado?: { tipoDocumento: TipoDocumento; numeroDocumento: string } | null | undefined;
}

/** Cross-field rules shared by create, update (on the merged record) and the billing webhook. */
export function patientRuleErrors(p: PatientRuleInput, options: { requireApoderadoForMinors: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const sinDocumento = p.tipoDocumento === 'OTROS' && p.tipoDocumentoDetalle === 'SIN_DOCUMENTO';
  if (p.tipoDocumento === 'OTROS' && !p.tipoDocumentoDetalle) {
    errors.push({ path: 'tipoDocumentoDetalle', message: 'Indique el tipo de documento (CPP, PTP, CNV, CUI, SIN_DOCUMENTO, …) cuando tipoDocumento es OTROS.' });
  }
  if (p.tipoDocumento !== 'OTROS' && p.tipoDocumentoDetalle) {
    errors.push({ path: 'tipoDocumentoDetalle', message: 'Solo se usa cuando tipoDocumento es OTROS.' });
  }
  if (sinDocumento) {
    if (p.numeroDocumento) errors.push({ path: 'numeroDocumento', message: 'Un paciente SIN_DOCUMENTO no lleva número de documento.' });
  } else if (!p.numeroDocumento) {
    errors.push({ path: 'numeroDocumento', message: 'El número de documento es obligatorio.' });
  } else {
    const problem = documentNumberProblem(p.tipoDocumento, p.numeroDocumento, p.tipoDocumentoDetalle ?? null);
    if (problem) errors.push({ path: 'numeroDocumento', message: problem });
  }
  if (p.digitoVerificador !== undefined) {
    if (p.tipoDocumento !== 'DNI') errors.push({ path: 'digitoVerificador', message: 'Solo aplica al DNI.' });
    else if (p.numeroDocumento && /^\d{8}$/.test(p.numeroDocumento) && !isValidDniCheck(p.numeroDocumento, p.digitoVerificador)) {
      errors.push({ path: 'digitoVerificador', message: 'El dígito verificador no corresponde al DNI.' });
    }
  }
  const today = todayInLima();
  if (p.fechaNacimiento > today) errors.push({ path: 'fechaNacimiento', message: 'La fecha de nacimiento no puede ser futura.' });
  else if (ageInYears(p.fechaNacimiento, today) > 125) errors.push({ path: 'fechaNacimiento', message: 'La fecha de nacimiento no es plausible (más de 125 años).' });
  if (p.nacionalidad !== undefined && !ISO_ALPHA3.has(p.nacionalidad)) {
    errors.push({ path: 'nacionalidad', message: 'Use un código de país ISO 3166-1 alfa-3 (PER, VEN, COL, …).' });
  }
  errors.push(...ubigeo().resolve(p).errors);
  if (p.apoderado) {
    const problem = documentNumberProblem(p.apoderado.tipoDocumento, p.apoderado.numeroDocumento, null);
    if (problem) errors.push({ path: 'apoderado.numeroDocumento', message: problem });
  } else if (options.requireApoderadoForMinors && p.fechaNacimiento <= today && ageInYears(p.fechaNacimiento, today) < 18) {
    errors.push({ path: 'apoderado', message: 'Un paciente menor de edad requiere los datos de su apoderado.' });
  }
  return errors;
}

export const createPatientBody = z.strictObject(patientFields).superRefine((value, ctx) => {
  for (const e of patientRuleErrors(value, { requireApoderadoForMinors: true })) {
    ctx.addIssue({ code: 'custom', path: e.path.split('.'), message: e.message });
  }
});
export type CreatePatientInput = z.infer<typeof createPatientBody>;

const { tipoDocumento: _t, nombres: _n, apellidoPaterno: _a, fechaNacimiento: _f, sexo: _s, ...optionalFields } = patientFields;
export const updatePatientBody = z.strictObject({
  ...optionalFields,
  tipoDocumento: patientFields.tipoDocumento.optional(),
  nombres: patientFields.nombres.optional(),
  apellidoPaterno: patientFields.apellidoPaterno.optional(),
  fechaNacimiento: patientFields.fechaNacimiento.optional(),
  sexo: patientFields.sexo.optional(),
  version: z.number().int().positive().optional(),
});
export type UpdatePatientInput = z.infer<typeof updatePatientBody>;

export const patientSchema = z.object({
  id: z.uuid(),
  patient_id: z.uuid(),
  numeroHistoriaClinica: z.string(),
  tipoDocumento: z.enum(TIPOS_DOCUMENTO),
  tipoDocumentoDetalle: z.string().nullable(),
  numeroDocumento: z.string().nullable(),
  identificacionPendiente: z.boolean(),
  nombres: z.string(),
  apellidoPaterno: z.string(),
  apellidoMaterno: z.string().nullable(),
  nombreCompleto: z.string(),
  fechaNacimiento: z.string(),
  edad: z.number().int(),
  sexo: z.enum(SEXOS),
  estadoCivil: z.string().nullable(),
  nacionalidad: z.string(),
  direccion: z.string().nullable(),
  departamento: z.string().nullable(),
  provincia: z.string().nullable(),
  distrito: z.string().nullable(),
  ubigeo: z.string().nullable(),
  ubigeoReniec: z.string().nullable(),
  telefonoMovil: z.string().nullable(),
  telefonoFijo: z.string().nullable(),
  email: z.string().nullable(),
  codigoExternoPaciente: z.string().nullable(),
  pacsPatientId: z.string().nullable(),
  lisPatientId: z.string().nullable(),
  grupoSanguineo: z.string().nullable(),
  factorRh: z.string().nullable(),
  antecedentesCronicos: z.array(z.string()),
  medicacionActual: z.array(z.string()),
  alergias: z.array(z.object({ alergia: z.string(), reaccion: z.string().nullable().optional(), severidad: z.enum(SEVERIDADES) })),
  contactoEmergencia: z.object({ nombre: z.string(), telefono: z.string(), relacion: z.string() }).nullable(),
  apoderado: z.object({ nombre: z.string(), tipoDocumento: z.string(), numeroDocumento: z.string(), parentesco: z.string(), telefono: z.string().nullable().optional() }).nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PatientDto = z.infer<typeof patientSchema>;

export const createPatientResponse = patientSchema.extend({ patient: patientSchema });

export const listPatientsQuery = z.strictObject({
  search: z.string().max(200, 'La búsqueda no puede superar 200 caracteres')
    .describe('Palabras del nombre en cualquier orden, cada una como inicio de una palabra ("jose nun"), sin tildes ni mayúsculas; también número de historia clínica o documento exacto. Si ninguna palabra empieza así, nombres que contienen el texto; si tampoco, coincidencias aproximadas.')
    .optional(),
  tipoDocumento: z.enum(TIPOS_DOCUMENTO).optional(),
  numeroDocumento: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
