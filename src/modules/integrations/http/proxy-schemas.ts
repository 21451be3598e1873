import { z } from 'zod';
import { problemSchema } from '../../../shared/http/schemas.js';

export const patientIdQuery = z.object({ patient_id: z.uuid({ message: 'patient_id debe ser un UUID válido' }) });

/** The envelope both proxies answer; `data` is the system's normalized list. */
export function proxyAnswer<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    source: z.string().describe('Sistema y modo que respondió, p. ej. pacs:dicomweb o lis:fhir'),
    fetchedAt: z.string().describe('Cuándo respondió el sistema externo (ISO 8601)'),
    stale: z.boolean().describe('true: el sistema falló ahora y esta es su última respuesta válida'),
    staleReason: z.string().optional().describe('Con stale: código del fallo (p. ej. PACS_TIMEOUT)'),
  });
}

/** Failures of the external system, besides the common 4xx (OpenAPI). */
export const upstreamErrorResponses = {
  502: problemSchema.describe('El sistema externo respondió con error o con datos inválidos'),
  503: problemSchema.describe('Integración no configurada o circuito abierto'),
  504: problemSchema.describe('El sistema externo no respondió a tiempo'),
};
