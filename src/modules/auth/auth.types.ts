import type { Permission } from './permissions.js';

export const ROLES = ['ADMIN', 'MEDICO', 'ASISTENTE'] as const;
export type RoleName = (typeof ROLES)[number];

/** The authenticated principal attached to a request. */
export type AuthUser = StaffUser | IntegrationPrincipal;

/** A person signed in with a user JWT. */
export interface StaffUser {
  id: string;
  role: RoleName;
  email: string;
  kind: 'user';
}

/**
 * An integration client authenticated by its API key (only on `apiKey` routes). It has no
 * staff role: it holds the named permissions its client was given.
 */
export interface IntegrationPrincipal {
  /** The integration client's id. */
  id: string;
  role: 'INTEGRACION';
  /** The client's name (audit and logs). */
  email: string;
  kind: 'integration';
  permissions: readonly Permission[];
}
