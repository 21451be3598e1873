import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, paginated, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { createUserBody, listUsersQuery, roleSchema, updateUserBody, userSchema } from './users.schemas.js';

const idParam = uuidParam('id');

export async function usersRoutes(app: AppInstance): Promise<void> {
  const { users, authUsers } = app.ctx.services;

  app.get('/api/v1/roles', {
    config: { permission: 'roles:read' },
    schema: { tags: ['users'], summary: 'Roles y sus permisos', response: { 200: z.object({ data: z.array(roleSchema) }), ...errorResponses } },
  }, async () => ({ data: await users.listRoles() }));

  app.post('/api/v1/users', {
    config: { permission: 'users:write' },
    schema: { tags: ['users'], summary: 'Registrar usuario (solo ADMIN)', body: createUserBody, response: { 201: userSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await users.create(actorFrom(request), request.body)));

  app.get('/api/v1/users', {
    config: { permission: 'users:read' },
    schema: { tags: ['users'], summary: 'Listar usuarios', querystring: listUsersQuery, response: { 200: paginated(userSchema), ...errorResponses } },
  }, async (request) => users.list(request.query));

  app.get('/api/v1/users/:id', {
    config: { permission: 'users:read' },
    schema: { tags: ['users'], summary: 'Ver usuario', params: idParam, response: { 200: userSchema, ...errorResponses } },
  }, async (request) => users.get(request.params.id));

  app.put('/api/v1/users/:id', {
    config: { permission: 'users:write' },
    schema: { tags: ['users'], summary: 'Actualizar usuario (isActive: false lo desactiva)', params: idParam, body: updateUserBody, response: { 200: userSchema, ...errorResponses } },
  }, async (request) => {
    const result = await users.update(actorFrom(request), request.params.id, request.body);
    authUsers.invalidate(request.params.id);
    return result;
  });

  app.delete('/api/v1/users/:id', {
    config: { permission: 'users:write' },
    schema: { tags: ['users'], summary: 'Desactivar usuario (los usuarios nunca se eliminan)', params: idParam, response: { 200: userSchema, ...errorResponses } },
  }, async (request) => {
    const result = await users.update(actorFrom(request), request.params.id, { isActive: false });
    authUsers.invalidate(request.params.id);
    return result;
  });

  app.post('/api/v1/users/:id/unlock', {
    config: { permission: 'users:write' },
    schema: { tags: ['users'], summary: 'Desbloquear una cuenta bloqueada por intentos fallidos', params: idParam, response: { 200: userSchema, ...errorResponses } },
  }, async (request) => users.unlock(actorFrom(request), request.params.id));
}
