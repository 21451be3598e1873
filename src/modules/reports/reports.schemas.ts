import { z } from 'zod';
import { isoDate } from '../../shared/http/validators.js';
import { FINANCIADORES } from './financiador.js';
import { LIFE_STAGE_CODES } from './life-stages.js';
import { periodFields } from './period.js';
import { RENHICE_ESTADOS } from './renhice.service.js';
import { SETI_TABLES } from './seti.js';

const SETI_CODES = Object.keys(SETI_TABLES) as [keyof typeof SETI_TABLES, ...(keyof typeof SETI_TABLES)[]];

export const periodQuery = z.strictObject(periodFields);
export const morbidityQuery = z.strictObject({ ...periodFields, top: z.coerce.number().int().min(1).max(100).default(10) });

export const setiQuery = z.strictObject({
  anio: z.coerce.number().int().min(2000, 'Año inválido').max(2100, 'Año inválido'),
  mes: z.string().regex(/^(0[1-9]|1[0-2])$/, 'Mes con dos dígitos: 01 a 12'),
  tabla: z.enum(SETI_CODES, {
    message: `Tablas ambulatorias disponibles: ${SETI_CODES.join(', ')} (C1/C2 son de hospitalización y no aplican a un establecimiento ambulatorio)`,
  }),
});

export const hisQuery = z.strictObject({
  fecha: isoDate,
  doctor_id: z.uuid('doctor_id debe ser un UUID'),
  formato: z.enum(['json', 'csv'], { message: 'Use json o csv' }).default('json'),
});

export const renhiceQuery = z.strictObject({
  estado: z.enum(RENHICE_ESTADOS, { message: `Use ${RENHICE_ESTADOS.join(', ')}` }).optional(),
  vencidos: z.enum(['true', 'false'], { message: 'Use true o false' }).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

// Responses (no transforms: they are encoded, not parsed).
const sexCounts = z.object({ M: z.number().int(), F: z.number().int(), OTRO: z.number().int() });
const stageCounts = z.object(Object.fromEntries(LIFE_STAGE_CODES.map((c) => [c, z.number().int()])) as Record<(typeof LIFE_STAGE_CODES)[number], z.ZodNumber>);
const periodEcho = { desde: z.string(), hasta: z.string(), semana: z.string().nullable() };

export const productionSchema = z.object({
  ...periodEcho,
  totales: z.object({
    atenciones: z.number().int(), atendidos: z.number().int(), reatenciones: z.number().int(), pacientes: z.number().int(),
    nuevos: z.number().int(), continuadores: z.number().int(), reingresantes: z.number().int(),
  }),
  data: z.array(z.object({
    mes: z.string(), servicioCodigo: z.string(), servicio: z.string(), especialidad: z.string(), sexo: z.string(), grupoEdad: z.enum(LIFE_STAGE_CODES),
    atenciones: z.number().int(), atendidos: z.number().int(), reatenciones: z.number().int(), pacientes: z.number().int(),
  })),
});

export const morbiditySchema = z.object({
  ...periodEcho,
  totalDiagnosticos: z.number().int(),
  codigosDistintos: z.number().int(),
  data: z.array(z.object({
    rank: z.number().int(), cie_code: z.string(), descripcion: z.string(), total: z.number().int(), porSexo: sexCounts, porGrupoEdad: stageCounts,
  })),
});

const visitStatus = z.enum(['N', 'C', 'R']);
export const hisSchema = z.object({
  fecha: z.string(),
  establecimiento: z.object({ nombre: z.string(), codigoIpress: z.string().nullable() }),
  doctor: z.object({ id: z.uuid(), nombreCompleto: z.string(), cmp: z.string().nullable(), especialidad: z.string().nullable() }),
  total: z.number().int(),
  data: z.array(z.object({
    numero: z.number().int(), attention_id: z.uuid(), patient_id: z.uuid(), fecha: z.string(), hora: z.string(),
    tipoDocumento: z.string(), numeroDocumento: z.string().nullable(), numeroHistoriaClinica: z.string(), nombreCompleto: z.string(),
    edad: z.number().int(), tipoEdad: z.enum(['A', 'M', 'D']), sexo: z.string(), ubigeo: z.string().nullable(), distrito: z.string().nullable(),
    financiador: z.enum(FINANCIADORES), servicio: z.string(), especialidad: z.string(), tipoAtencion: z.string(),
    estadoEstablecimiento: visitStatus, estadoServicio: visitStatus,
    diagnosticos: z.array(z.object({ cie_code: z.string(), descripcion: z.string(), tipoHis: z.enum(['P', 'D', 'R']) })),
    procedimientos: z.array(z.object({ tipo: z.string(), codigo: z.string().nullable(), nombre: z.string().nullable(), numeroOrden: z.string() })),
  })),
});

export const renhiceSchema = z.object({
  data: z.array(z.object({
    id: z.uuid(), attention_id: z.uuid(), patient_id: z.uuid(), estado: z.enum(RENHICE_ESTADOS), intentos: z.number().int(),
    finalizedAt: z.string(), dueAt: z.string(), vencido: z.boolean(), ultimoIntentoAt: z.string().nullable(), ultimoError: z.string().nullable(),
    enviadoAt: z.string().nullable(),
  })),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  resumen: z.object({ porEnviar: z.number().int(), vencidos: z.number().int() }),
});
