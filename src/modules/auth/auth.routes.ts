import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, problemSchema } from '../../shared/http/schemas.js';
import { email } from '../../shared/http/validators.js';
import { actorFrom } from '../audit/audit.service.js';
import { userSchema } from '../users/users.schemas.js';
import { ROLES } from './auth.types.js';
import { ROLE_PERMISSIONS } from './permissions.js';

const loginResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user_id: z.uuid(),
  role: z.enum(ROLES),
  user_data: z.object({
    nombres: z.string(),
    apellidoPaterno: z.string(),
    apellidoMaterno: z.string().nullable(),
    nombreCompleto: z.string(),
    email: z.string(),
  }),
});

const authErrors = { ...errorResponses, 423: problemSchema, 429: problemSchema };
const refreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200) });

export async function authRoutes(app: AppInstance): Promise<void> {
  const { auth } = app.ctx.services;

  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Iniciar sesión', security: [],
      body: z.strictObject({ email, password: z.string().min(1, 'Ingrese la contraseña').max(200) }),
      response: { 200: loginResponse, ...authErrors },
    },
  }, async (request) => auth.login(actorFrom(request), request.body.email, request.body.password));

  app.post('/api/v1/auth/refresh', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'Renovar el token de acceso (rota el token de renovación)', security: [], body: refreshBody, response: { 200: loginResponse, ...authErrors } },
  }, async (request) => auth.refresh(actorFrom(request), request.body.refreshToken));

  app.post('/api/v1/auth/logout', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'Cerrar sesión (revoca la familia del token de renovación)', security: [], body: refreshBody, response: { 204: z.null(), ...authErrors } },
  }, async (request, reply) => {
    await auth.logout(actorFrom(request), request.body.refreshToken);
    return reply.code(204).send(null);
  });

  app.get('/api/v1/auth/me', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'], summary: 'Usuario autenticado',
      response: { 200: userSchema.extend({ permissions: z.array(z.string()) }), ...authErrors },
    },
  }, async (request) => {
    const me = await auth.me(request.user!.id);
    return { ...me, permissions: [...ROLE_PERMISSIONS[me.role]] };
  });

  app.post('/api/v1/auth/forgot-password', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Solicitar restablecimiento de contraseña (respuesta idéntica exista o no el correo)', security: [],
      body: z.strictObject({ email }),
      response: { 202: z.object({ mensaje: z.string() }), ...authErrors },
    },
  }, async (request, reply) => {
    await auth.forgotPassword(actorFrom(request), request.body.email);
    return reply.code(202).send({ mensaje: 'Si el correo está registrado, recibirá un enlace para restablecer su contraseña.' });
  });

  app.post('/api/v1/auth/reset-password', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Restablecer la contraseña con el token recibido por correo', security: [],
      body: z.strictObject({ token: z.string().min(20).max(200), new_password: z.string().max(200), confirm_new_password: z.string().max(200) }),
      response: { 200: z.object({ mensaje: z.string() }), ...authErrors },
    },
  }, async (request) => {
    await auth.resetPassword(actorFrom(request), request.body);
    return { mensaje: 'Contraseña actualizada. Inicie sesión con su nueva contraseña.' };
  });
}
