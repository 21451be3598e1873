import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../../db/client.js';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.js';
import { actorFrom, type AuditService } from '../audit/audit.service.js';
import { usersRepository, type UserRow } from '../users/users.repository.js';
import type { AuthUser } from './auth.types.js';
import { isPermission, roleHasPermission, type Permission } from './permissions.js';
import type { TokenService } from './tokens.js';

/** Verifies an integration API key; provided by the integrations module. */
export type ApiKeyVerifier = (key: string, request: FastifyRequest) => Promise<AuthUser | undefined>;

export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
  apiKey: boolean;
  permission: Permission | undefined;
}

/**
 * Short-lived cache of the user rows behind access tokens: each request still sees a
 * deactivation, role change or password change within `ttlMs` (immediately in the process
 * that made the change, which invalidates its entry).
 */
export class AuthUserCache {
  private readonly entries = new Map<string, { row: UserRow | undefined; at: number }>();
  constructor(private readonly db: Db, private readonly ttlMs: number) {}

  async get(id: string): Promise<UserRow | undefined> {
    const hit = this.entries.get(id);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.row;
    const row = await usersRepository.findById(this.db, id);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(id, { row, at: Date.now() });
    return row;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export interface AuthDeps {
  tokens: TokenService;
  users: AuthUserCache;
  audit: AuditService;
  verifyApiKey: () => ApiKeyVerifier | undefined;
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps): RouteEntry[] {
  const routes: RouteEntry[] = [];

  // No route is open by accident: each declares `public`, `apiKey` or a known permission.
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { public?: boolean; permission?: string; apiKey?: boolean };
    // Swagger UI assets and CORS preflight answers carry no data.
    if (route.url.startsWith('/docs') || route.method === 'OPTIONS') {
      route.config = { ...(config as object), public: true };
      config.public = true;
    }
    if (!config.public && !config.apiKey && !config.permission) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares neither public nor a permission`);
    }
    if (config.permission && !isPermission(config.permission)) {
      throw new Error(`Route ${String(route.method)} ${route.url} uses unknown permission ${config.permission}`);
    }
    for (const method of [route.method].flat()) {
      routes.push({ method: String(method), url: route.url, public: Boolean(config.public), apiKey: Boolean(config.apiKey), permission: config.permission as Permission | undefined });
    }
  });

  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url) return; // unknown route: the 404 handler answers
    const config = request.routeOptions.config;
    if (config.public) return;

    if (config.apiKey) {
      const key = request.headers['x-api-key'];
      const verifier = deps.verifyApiKey();
      if (bearerToken(request)) {
        throw new UnauthorizedError('API_KEY_REQUIRED', 'Esta ruta solo acepta la clave de integración (X-API-Key), no tokens de usuario.');
      }
      const principal = typeof key === 'string' && verifier ? await verifier(key, request) : undefined;
      if (!principal) {
        await deps.audit.recordStandalone(actorFrom(request), { action: 'API_KEY_REJECTED', outcome: 'DENIED', details: { route: request.routeOptions.url } });
        throw new UnauthorizedError('INVALID_API_KEY', 'Clave de integración ausente, inválida o revocada.');
      }
      request.user = principal;
      return;
    }

    const token = bearerToken(request);
    if (!token) {
      if (request.headers['x-api-key']) {
        throw new UnauthorizedError('BEARER_REQUIRED', 'Las claves de integración no dan acceso a esta ruta; use un token de usuario.');
      }
      throw new UnauthorizedError('UNAUTHORIZED', 'Se requiere un token de acceso (Authorization: Bearer …).');
    }
    const claims = await deps.tokens.verifyAccess(token);
    if ('error' in claims) {
      throw claims.error === 'expired'
        ? new UnauthorizedError('TOKEN_EXPIRED', 'El token de acceso expiró; renuévelo con /api/v1/auth/refresh.')
        : new UnauthorizedError('INVALID_TOKEN', 'El token de acceso no es válido.');
    }
    const user = await deps.users.get(claims.sub);
    // A token outlives neither a deactivation, a role change nor a password change.
    if (!user || !user.isActive || user.role !== claims.role || claims.pcv !== user.passwordChangedAt.getTime()) {
      throw new UnauthorizedError('INVALID_TOKEN', 'La sesión ya no es válida; inicie sesión nuevamente.');
    }
    request.user = { id: user.id, role: user.role, email: user.email, kind: 'user' };
    const permission = config.permission!;
    if (!roleHasPermission(user.role, permission)) {
      await deps.audit.recordStandalone(actorFrom(request), {
        action: 'ACCESS_DENIED', outcome: 'DENIED',
        details: { method: request.method, route: request.routeOptions.url, permission },
      });
      throw new ForbiddenError('FORBIDDEN', `Su rol (${user.role}) no tiene el permiso '${permission}' que requiere esta acción.`);
    }
  });

  return routes;
}
