export const ROLES = ['ADMIN', 'MEDICO', 'ASISTENTE'] as const;
export type RoleName = (typeof ROLES)[number];

/** The authenticated principal attached to a request. */
export interface AuthUser {
  id: string;
  role: RoleName;
  email: string;
  /** Integration clients authenticate with an API key instead of a user JWT. */
  kind: 'user' | 'integration';
}
