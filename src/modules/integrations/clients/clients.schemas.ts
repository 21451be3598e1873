import { z } from 'zod';
import { text } from '../../../shared/http/validators.js';
import { INTEGRATION_PERMISSIONS, type Permission } from '../../auth/permissions.js';

export function isGrantable(value: string): value is Permission {
  return (INTEGRATION_PERMISSIONS as readonly string[]).includes(value);
}

const permisos = z.array(z.string().refine(isGrantable, { message: `Permiso no asignable a una integración; use ${INTEGRATION_PERMISSIONS.join(', ')}` }))
  .min(1, 'Indique al menos un permiso')
  .max(INTEGRATION_PERMISSIONS.length)
  .transform((list) => [...new Set(list.filter(isGrantable))]);

export const createClientBody = z.strictObject({
  nombre: text(100, 3),
  descripcion: text(300).optional().nullable(),
  permisos: permisos.default(['sales:webhook']),
});
export type CreateClientInput = z.infer<typeof createClientBody>;

export const rotateKeyBody = z.strictObject({
  expiresAt: z.iso.datetime({ offset: true, message: 'Use fecha y hora ISO 8601 con zona (AAAA-MM-DDTHH:MM:SSZ)' }).optional()
    .describe('Hasta cuándo siguen valiendo las claves anteriores (por defecto, 24 h; ahora = sin solapamiento; máximo 30 días)'),
});

const keySchema = z.object({
  id: z.uuid(),
  prefijo: z.string().describe('Inicio de la clave, para reconocerla (la clave completa no se guarda)'),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  vigente: z.boolean(),
});

export const clientSchema = z.object({
  id: z.uuid(),
  client_id: z.uuid(),
  nombre: z.string(),
  descripcion: z.string().nullable(),
  permisos: z.array(z.string()),
  origen: z.enum(['ADMIN', 'ENV']),
  activo: z.boolean(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  claves: z.array(keySchema),
});
export type ClientDto = z.infer<typeof clientSchema>;

export const clientWithKeySchema = clientSchema.extend({
  apiKey: z.string().describe('La clave (X-API-Key). Se muestra solo esta vez: guárdela en el sistema que la usará.'),
  clavesAnterioresVencen: z.string().nullable().describe('Al rotar: hasta cuándo valen las claves anteriores'),
});
