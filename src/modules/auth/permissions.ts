import type { RoleName } from './auth.types.js';

/**
 * The one place that maps roles to named permissions. Every route declares the permission
 * it needs (`config.permission`); services then check the record itself (own attention,
 * own appointment). ADMIN deliberately has no access to the clinical record endpoints.
 */
export const PERMISSIONS = {
  'profile:read': 'Ver el propio perfil',
  'users:read': 'Ver usuarios',
  'users:write': 'Crear, editar, desactivar y desbloquear usuarios',
  'roles:read': 'Ver roles',
  'audit:read': 'Consultar y verificar la auditoría',
  'patients:read': 'Ver pacientes',
  'patients:write': 'Registrar y editar pacientes',
  'patients:merge': 'Fusionar pacientes duplicados',
  'patients:export': 'Exportar la historia completa de un paciente y su registro de accesos',
  'service-types:read': 'Ver tipos de servicio y tarifas',
  'service-types:write': 'Gestionar tipos de servicio y tarifas',
  'appointments:read': 'Ver citas',
  'appointments:create': 'Crear citas',
  'appointments:update': 'Actualizar citas (el médico solo las suyas)',
  'attentions:read': 'Ver atenciones médicas',
  'attentions:write': 'Registrar atenciones y sus datos clínicos (solo en las propias)',
  'attentions:addendum': 'Agregar evoluciones y adjuntos (adendas firmadas)',
  'catalogs:read': 'Consultar catálogos',
  'catalogs:write': 'Gestionar e importar catálogos',
  'results:read': 'Consultar resultados de PACS y LIS',
  'patients:summary': 'Ver la vista clínica unificada del paciente (resumen con atenciones, PACS y LIS)',
  'integration-clients:manage': 'Gestionar clientes de integración y eventos salientes',
  'reports:read': 'Reportes normativos y de facturación',
  'epidemiology:notify': 'Registrar la notificación de casos en NotiWeb (vigilancia epidemiológica)',
  'sales:webhook': 'Entregar ventas del sistema de cobranza',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLE_PERMISSIONS: Record<RoleName, readonly Permission[]> = {
  ADMIN: [
    'profile:read', 'users:read', 'users:write', 'roles:read', 'audit:read', 'patients:merge', 'patients:export',
    'service-types:read', 'service-types:write', 'catalogs:read', 'catalogs:write',
    'integration-clients:manage', 'reports:read', 'epidemiology:notify',
  ],
  MEDICO: [
    'profile:read', 'patients:read', 'patients:write', 'service-types:read', 'appointments:read', 'appointments:update',
    'attentions:read', 'attentions:write', 'attentions:addendum', 'catalogs:read', 'results:read', 'patients:summary',
  ],
  ASISTENTE: [
    'profile:read', 'patients:read', 'patients:write', 'service-types:read', 'appointments:read', 'appointments:create',
    'appointments:update', 'catalogs:read',
  ],
};

/** Integration clients (API keys) hold only these, and only on routes that accept keys. */
export const INTEGRATION_PERMISSIONS: readonly Permission[] = ['sales:webhook'];

const roleSets = new Map<RoleName, Set<Permission>>(
  Object.entries(ROLE_PERMISSIONS).map(([role, perms]) => [role as RoleName, new Set(perms)]),
);

export function roleHasPermission(role: RoleName, permission: Permission): boolean {
  return roleSets.get(role)?.has(permission) ?? false;
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
