import { z } from 'zod';
import { email, personName, text } from '../../shared/http/validators.js';
import { ROLES } from '../auth/auth.types.js';

const doctorFields = {
  cmp: z.string().trim().regex(/^\d{1,6}$/, 'El CMP tiene hasta 6 dígitos').optional().nullable(),
  especialidad: text(100).optional().nullable(),
  rne: z.string().trim().regex(/^\d{1,6}$/, 'El RNE tiene hasta 6 dígitos').optional().nullable(),
  numeroDocumento: z.string().trim().regex(/^[0-9A-Za-z]{8,12}$/, 'Documento de 8 a 12 caracteres alfanuméricos').optional().nullable(),
  codigoExterno: text(64).optional().nullable(),
};

export const createUserBody = z.strictObject({
  email,
  password: z.string().max(200),
  nombres: personName(),
  apellidoPaterno: personName(),
  apellidoMaterno: personName().optional().nullable(),
  role_id: z.uuid('role_id debe ser un UUID').optional(),
  role: z.enum(ROLES, { message: `Rol inválido: use ${ROLES.join(', ')}` }).optional(),
  isActive: z.boolean().default(true),
  ...doctorFields,
});
export type CreateUserInput = z.infer<typeof createUserBody>;

export const updateUserBody = z.strictObject({
  email: email.optional(),
  password: z.string().max(200).optional(),
  nombres: personName().optional(),
  apellidoPaterno: personName().optional(),
  apellidoMaterno: personName().optional().nullable(),
  role_id: z.uuid('role_id debe ser un UUID').optional(),
  role: z.enum(ROLES).optional(),
  isActive: z.boolean().optional(),
  version: z.number().int().positive().optional(),
  ...doctorFields,
});
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const userSchema = z.object({
  id: z.uuid(),
  user_id: z.uuid(),
  email: z.string(),
  nombres: z.string(),
  apellidoPaterno: z.string(),
  apellidoMaterno: z.string().nullable(),
  nombreCompleto: z.string(),
  role: z.enum(ROLES),
  role_id: z.uuid(),
  isActive: z.boolean(),
  cmp: z.string().nullable(),
  especialidad: z.string().nullable(),
  rne: z.string().nullable(),
  numeroDocumento: z.string().nullable(),
  codigoExterno: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type UserDto = z.infer<typeof userSchema>;

export const listUsersQuery = z.strictObject({
  role: z.enum(ROLES).optional(),
  isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const roleSchema = z.object({ id: z.uuid(), name: z.enum(ROLES), description: z.string(), permissions: z.array(z.string()) });
