import { z } from 'zod';
import { LIS_FIELDS } from '../lis/lis.types.js';
import { PACS_FIELDS } from '../pacs/pacs.types.js';

/**
 * PACS_* / LIS_* / INTEGRATION_* settings, spread into the schema of src/config/env.ts (the
 * only reader of process.env), so a bad value stops the start like any other setting.
 */

const positiveInt = z.coerce.number().int().positive();

const baseUrl = z
  .string()
  .regex(/^https?:\/\/[^\s?#]+$/, 'debe ser una URL http:// o https:// sin parámetros')
  .transform((v) => v.replace(/\/+$/, ''))
  .optional();

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'debe ser un nombre de cabecera HTTP (p. ej. Authorization o X-Api-Key)');

const patientIdField = z.enum(['numeroDocumento', 'codigoExternoPaciente', 'numeroHistoriaClinica']);

/** JSON object { normalizedField: "sourceField" } whose keys must be known normalized fields. */
function fieldMap(fields: readonly string[]) {
  return z.string().transform((raw, ctx): Record<string, string> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'debe ser un objeto JSON, p. ej. {"studyId":"id"}' });
      return z.NEVER;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'debe ser un objeto JSON { campoNormalizado: "campoDelSistema" }' });
      return z.NEVER;
    }
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (!fields.includes(key)) ctx.addIssue({ code: 'custom', message: `campo desconocido '${key}' (válidos: ${fields.join(', ')})` });
      else if (typeof value !== 'string' || !value.trim()) ctx.addIssue({ code: 'custom', message: `'${key}' debe apuntar a un nombre de campo` });
      else out[key] = value.trim();
    }
    return out;
  });
}

export const integrationEnv = {
  PACS_MODE: z.enum(['rest', 'dicomweb']).default('rest'),
  PACS_BASE_URL: baseUrl,
  PACS_API_KEY: z.string().min(1).optional(),
  PACS_AUTH_HEADER: headerName.default('Authorization'),
  PACS_PATIENT_ID: patientIdField.default('numeroDocumento'),
  PACS_TIMEOUT_MS: positiveInt.max(60_000).default(800),
  PACS_FIELD_MAP: fieldMap(PACS_FIELDS).optional(),
  LIS_MODE: z.enum(['rest', 'fhir']).default('rest'),
  LIS_BASE_URL: baseUrl,
  LIS_API_KEY: z.string().min(1).optional(),
  LIS_AUTH_HEADER: headerName.default('Authorization'),
  LIS_PATIENT_ID: patientIdField.default('numeroDocumento'),
  LIS_TIMEOUT_MS: positiveInt.max(60_000).default(800),
  LIS_FIELD_MAP: fieldMap(LIS_FIELDS).optional(),
  /** FHIR identifier system of the patient identifier (token `system|value`); unset = value only. */
  LIS_FHIR_IDENTIFIER_SYSTEM: z.string().regex(/^[^\s|]+$/, 'debe ser una URI sin espacios ni "|"').optional(),
  INTEGRATION_CIRCUIT_FAILURES: positiveInt.max(1000).default(5),
  INTEGRATION_CIRCUIT_COOLDOWN_MS: positiveInt.default(30_000),
  INTEGRATION_CACHE_TTL_MS: z.coerce.number().int().min(0).default(600_000),
  INTEGRATION_MAX_RESPONSE_BYTES: positiveInt.default(5 * 1024 * 1024),
};

export type PatientIdField = z.infer<typeof patientIdField>;
