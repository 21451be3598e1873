import { z } from 'zod';
import { paginationQuery } from '../../shared/http/schemas.js';
import { booleanQuery } from '../../shared/http/validators.js';
import { PROCEDURE_TYPES } from './catalogs.table.js';

const severity = z.enum(['LEVE', 'MODERADA', 'GRAVE']);

const searchText = z
  .string()
  .transform((v) => v.normalize('NFC').trim())
  .pipe(z.string().max(100, 'La búsqueda no puede superar 100 caracteres'))
  .optional();

const sistema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9-]{2,20}$/, 'Sistema de codificación inválido (p. ej. CIE-10, CIE-11)'))
  .default('CIE-10');

const page = paginationQuery.shape;

export const diagnosesQuery = z.strictObject({ search: searchText, sistema, incluirInactivos: booleanQuery.optional(), ...page });
export const diagnosisParams = z.object({ codigo: z.string().min(1).max(20, 'Código demasiado largo') });
export const diagnosisLookupQuery = z.strictObject({ sistema });

export const medicationsQuery = z.strictObject({
  search: searchText, petitorio: booleanQuery.optional(), controlado: booleanQuery.optional(),
  incluirInactivos: booleanQuery.optional(), ...page,
});
export const allergensQuery = z.strictObject({ search: searchText, ...page });
export const proceduresQuery = z.strictObject({
  search: searchText,
  tipo: z.enum(PROCEDURE_TYPES, { message: `Tipo inválido: use ${PROCEDURE_TYPES.join(', ')}` }).optional(),
  especialidad: searchText,
  incluirInactivos: booleanQuery.optional(),
  ...page,
});
export const procedureParams = z.object({ codigo: z.string().min(1).max(40, 'Código demasiado largo') });

export const diagnosisSchema = z.object({
  id: z.uuid(), sistema: z.string(), codigo: z.string(), descripcion: z.string(), nivel: z.number().int(),
  capitulo: z.string().nullable(), grupo: z.string().nullable(), activo: z.boolean(),
});
export type DiagnosisDto = z.infer<typeof diagnosisSchema>;

export const medicationSchema = z.object({
  id: z.uuid(),
  dci: z.string(),
  concentracion: z.string(),
  formaFarmaceutica: z.string(),
  via: z.string().nullable(),
  codigoAtc: z.string().nullable(),
  grupoTerapeutico: z.string().nullable(),
  codigoDigemid: z.string().nullable(),
  registroSanitario: z.string().nullable(),
  nombreComercial: z.string().nullable(),
  presentacion: z.string().nullable(),
  titular: z.string().nullable(),
  fabricante: z.string().nullable(),
  petitorio: z.boolean(),
  controlado: z.boolean(),
  activo: z.boolean(),
  /** "Amoxicilina 500 mg Tableta", ready for a pick list. */
  descripcion: z.string(),
});
export type MedicationDto = z.infer<typeof medicationSchema>;

export const crossReactivitySchema = z.object({ grupo: z.string(), severidad: severity, nota: z.string() });
export const allergenGroupSchema = z.object({
  id: z.uuid(), codigo: z.string(), nombre: z.string(), sinonimos: z.array(z.string()), atcPrefijos: z.array(z.string()),
  ingredientes: z.array(z.string()), reactividadCruzada: z.array(crossReactivitySchema), nota: z.string().nullable(), activo: z.boolean(),
});
export type AllergenGroupDto = z.infer<typeof allergenGroupSchema>;

export const procedureSchema = z.object({
  id: z.uuid(), codigo: z.string().nullable(), nombre: z.string(), tipo: z.enum(PROCEDURE_TYPES),
  especialidad: z.string().nullable(), activo: z.boolean(),
});
export type ProcedureDto = z.infer<typeof procedureSchema>;

export const notifiableDiseaseSchema = z.object({
  id: z.uuid(), codigo: z.string(), nombre: z.string(), cieCodigos: z.array(z.string()),
  periodicidad: z.enum(['INMEDIATA', 'SEMANAL']), fuente: z.string().nullable(), verificado: z.boolean(), activo: z.boolean(),
});
export type NotifiableDiseaseDto = z.infer<typeof notifiableDiseaseSchema>;

export const IMPORTABLE_CATALOGS = ['diagnoses', 'medications', 'procedures', 'allergens'] as const;
export type ImportableCatalog = (typeof IMPORTABLE_CATALOGS)[number];
export const importParams = z.object({
  catalog: z.enum(IMPORTABLE_CATALOGS, { message: `Catálogo inválido: use ${IMPORTABLE_CATALOGS.join(', ')}` }),
});

export const importRowErrorSchema = z.object({ fila: z.number().int(), campo: z.string(), mensaje: z.string() });
export type ImportRowError = z.infer<typeof importRowErrorSchema>;
export const importResultSchema = z.object({
  catalogo: z.enum(IMPORTABLE_CATALOGS),
  formato: z.enum(['csv', 'xlsx', 'json']),
  filas: z.number().int(),
  insertados: z.number().int(),
  actualizados: z.number().int(),
  sinCambios: z.number().int(),
  errores: z.array(importRowErrorSchema),
});
export type ImportResult = z.infer<typeof importResultSchema>;
