import { randomBytes } from 'node:crypto';
import type { RoleName } from '../../src/modules/auth/auth.types.js';
import type { UserDto } from '../../src/modules/users/users.schemas.js';
import type { TestApp } from '../helpers/app.js';

export const DEFAULT_PASSWORD = 'Clave-Segura-2026';

let sequence = 0;

export interface TestUser extends UserDto {
  password: string;
  token: string;
  refreshToken: string;
  headers: { authorization: string };
}

/** Creates a user through the service (as an ADMIN would) and logs in through the API. */
export async function createUser(
  t: TestApp,
  role: RoleName,
  overrides: Partial<{ email: string; password: string; nombres: string; apellidoPaterno: string; apellidoMaterno: string; cmp: string; especialidad: string; codigoExterno: string; numeroDocumento: string; isActive: boolean }> = {},
): Promise<TestUser> {
  sequence += 1;
  const suffix = `${sequence}${randomBytes(3).toString('hex')}`;
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const user = await t.app.ctx.services.users.create({ actorKind: 'test' }, {
    email: overrides.email ?? `${role.toLowerCase()}.${suffix}@clinica.pe`,
    password,
    nombres: overrides.nombres ?? (role === 'MEDICO' ? 'María José' : 'Ana'),
    apellidoPaterno: overrides.apellidoPaterno ?? 'Quispe',
    apellidoMaterno: overrides.apellidoMaterno ?? 'Núñez',
    role,
    isActive: overrides.isActive ?? true,
    ...(role === 'MEDICO' ? { cmp: overrides.cmp ?? String(10000 + (parseInt(suffix.slice(-5), 16) % 89999)), especialidad: overrides.especialidad ?? 'Medicina General' } : {}),
    ...(overrides.codigoExterno ? { codigoExterno: overrides.codigoExterno } : {}),
    ...(overrides.numeroDocumento ? { numeroDocumento: overrides.numeroDocumento } : {}),
  });
  if (overrides.isActive === false) return { ...user, password, token: '', refreshToken: '', headers: { authorization: '' } };
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed for test user: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { ...user, password, token: body.accessToken, refreshToken: body.refreshToken, headers: { authorization: `Bearer ${body.accessToken}` } };
}
