import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js';
import type { Keyring } from '../../shared/crypto/keyring.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { refreshTokens } from '../auth/auth.table.js';
import type { RoleName } from '../auth/auth.types.js';
import { hashPassword, passwordPolicyErrors } from '../auth/password.js';
import { ROLE_PERMISSIONS } from '../auth/permissions.js';
import { usersRepository, type UserRow } from './users.repository.js';
import type { CreateUserInput, UpdateUserInput, UserDto } from './users.schemas.js';
import { users } from './users.table.js';

export function fullName(u: { nombres: string; apellidoPaterno: string; apellidoMaterno: string | null }): string {
  return [u.nombres, u.apellidoPaterno, u.apellidoMaterno].filter(Boolean).join(' ');
}

/** The doctor as other modules show it (appointments, attentions, prescriptions). */
export interface DoctorSummary {
  id: string;
  nombreCompleto: string;
  especialidad: string | null;
  cmp: string | null;
  rne: string | null;
  isActive: boolean;
}

const CONSTRAINT_FIELDS: Record<string, [string, string]> = {
  users_email_key: ['email', 'Ya existe un usuario con ese correo electrónico.'],
  users_cmp_key: ['cmp', 'Ya existe un médico con ese número de CMP.'],
  users_codigo_externo_key: ['codigoExterno', 'Ya existe un médico con ese código externo.'],
};

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly bcryptCost: number,
  ) {}

  toDto(row: UserRow): UserDto {
    return {
      id: row.id,
      user_id: row.id,
      email: row.email,
      nombres: row.nombres,
      apellidoPaterno: row.apellidoPaterno,
      apellidoMaterno: row.apellidoMaterno,
      nombreCompleto: fullName(row),
      role: row.role,
      role_id: row.roleId,
      isActive: row.isActive,
      cmp: row.cmp,
      especialidad: row.especialidad,
      rne: row.rne,
      numeroDocumento: row.numeroDocumentoEnc ? this.keyring.decrypt(row.numeroDocumentoEnc, 'users.numero_documento') : null,
      codigoExterno: row.codigoExterno,
      lockedUntil: row.lockedUntil?.toISOString() ?? null,
      lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      version: row.version,
    };
  }

  toDoctorSummary(row: UserRow): DoctorSummary {
    return { id: row.id, nombreCompleto: fullName(row), especialidad: row.especialidad, cmp: row.cmp, rne: row.rne, isActive: row.isActive };
  }

  private async resolveRole(db: DbOrTx, input: { role?: RoleName | undefined; role_id?: string | undefined }, required: boolean) {
    if (!input.role && !input.role_id) {
      if (required) throw new ValidationError([{ path: 'role', message: 'Indique role o role_id.' }]);
      return undefined;
    }
    const role = await usersRepository.findRole(db, input.role_id ? { id: input.role_id } : { name: input.role! });
    if (!role) throw new ValidationError([{ path: input.role_id ? 'role_id' : 'role', message: 'El rol no existe.' }]);
    if (input.role && input.role_id && role.name !== input.role) {
      throw new ValidationError([{ path: 'role', message: 'role y role_id no coinciden.' }]);
    }
    return role;
  }

  private documentColumns(numeroDocumento: string | null | undefined) {
    if (numeroDocumento === undefined) return {};
    if (numeroDocumento === null) return { numeroDocumentoEnc: null, numeroDocumentoBidx: null };
    const value = numeroDocumento.toUpperCase();
    return {
      numeroDocumentoEnc: this.keyring.encrypt(value, 'users.numero_documento'),
      numeroDocumentoBidx: this.keyring.blindIndex(`user-doc:${value}`),
    };
  }

  private rethrowUnique(error: unknown): never {
    const constraint = uniqueViolation(error);
    const mapped = constraint !== undefined ? CONSTRAINT_FIELDS[constraint] : undefined;
    if (mapped) throw new ConflictError('USER_CONFLICT', mapped[1], undefined, [{ path: mapped[0], message: mapped[1] }]);
    throw error;
  }

  async create(actor: AuditActor, input: CreateUserInput): Promise<UserDto> {
    const errors: FieldError[] = passwordPolicyErrors(input.password, input.email);
    if (errors.length) throw new ValidationError(errors);
    const role = await this.resolveRole(this.db, input, true);
    if (role!.name === 'MEDICO' && !input.cmp) {
      throw new ValidationError([{ path: 'cmp', message: 'El número de CMP es obligatorio para un médico.' }]);
    }
    const passwordHash = await hashPassword(input.password, this.bcryptCost);
    try {
      return await this.db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(users)
          .values({
            email: input.email,
            passwordHash,
            nombres: input.nombres,
            apellidoPaterno: input.apellidoPaterno,
            apellidoMaterno: input.apellidoMaterno ?? null,
            roleId: role!.id,
            isActive: input.isActive,
            cmp: input.cmp ?? null,
            especialidad: input.especialidad ?? null,
            rne: input.rne ?? null,
            codigoExterno: input.codigoExterno ?? null,
            ...this.documentColumns(input.numeroDocumento),
          })
          .returning({ id: users.id });
        await this.audit.record(tx, actor, {
          action: 'USER_CREATED', entity: 'user', entityId: inserted!.id,
          details: { email: input.email, role: role!.name, isActive: input.isActive },
        });
        return this.toDto((await usersRepository.findById(tx, inserted!.id))!);
      });
    } catch (error) {
      this.rethrowUnique(error);
    }
  }

  async get(id: string): Promise<UserDto> {
    const row = await usersRepository.findById(this.db, id);
    if (!row) throw new NotFoundError('USER_NOT_FOUND', 'El usuario no existe.');
    return this.toDto(row);
  }

  async list(filter: { role?: RoleName | undefined; isActive?: boolean | undefined; limit: number; offset: number }) {
    const { rows, total } = await usersRepository.list(this.db, {
      limit: filter.limit, offset: filter.offset,
      ...(filter.role ? { role: filter.role } : {}),
      ...(filter.isActive !== undefined ? { isActive: filter.isActive } : {}),
    });
    return { data: rows.map((r) => this.toDto(r)), total, limit: filter.limit, offset: filter.offset };
  }

  async listRoles() {
    const rows = await usersRepository.listRoles(this.db);
    return rows.map((r) => ({ ...r, permissions: [...ROLE_PERMISSIONS[r.name]] }));
  }

  async update(actor: AuditActor, id: string, input: UpdateUserInput): Promise<UserDto> {
    try {
      return await this.db.transaction(async (tx) => {
        const current = await usersRepository.findByIdForUpdate(tx, id);
        if (!current) throw new NotFoundError('USER_NOT_FOUND', 'El usuario no existe.');
        if (input.version !== undefined && input.version !== current.version) {
          throw new ConflictError('VERSION_CONFLICT', 'El usuario fue modificado por otra persona; recargue y vuelva a intentar.', { currentVersion: current.version });
        }
        const role = await this.resolveRole(tx, input, false);
        if (actor.actorId === id && ((role && role.name !== current.role) || input.isActive === false)) {
          throw new ForbiddenError('SELF_LOCKOUT', 'No puede cambiar su propio rol ni desactivarse a sí mismo.');
        }
        const newEmail = input.email ?? current.email;
        let passwordHash: string | undefined;
        if (input.password !== undefined) {
          const errors = passwordPolicyErrors(input.password, newEmail);
          if (errors.length) throw new ValidationError(errors);
          passwordHash = await hashPassword(input.password, this.bcryptCost);
        }
        const finalRole = role?.name ?? current.role;
        const finalCmp = input.cmp !== undefined ? input.cmp : current.cmp;
        if (finalRole === 'MEDICO' && !finalCmp) {
          throw new ValidationError([{ path: 'cmp', message: 'El número de CMP es obligatorio para un médico.' }]);
        }
        const changes: Record<string, { old: unknown; new: unknown }> = {};
        const track = (field: string, oldValue: unknown, newValue: unknown) => {
          if (newValue !== undefined && newValue !== oldValue) changes[field] = { old: oldValue, new: newValue };
        };
        track('email', current.email, input.email);
        track('nombres', current.nombres, input.nombres);
        track('apellidoPaterno', current.apellidoPaterno, input.apellidoPaterno);
        track('apellidoMaterno', current.apellidoMaterno, input.apellidoMaterno);
        track('role', current.role, role?.name);
        track('isActive', current.isActive, input.isActive);
        track('cmp', current.cmp, input.cmp);
        track('especialidad', current.especialidad, input.especialidad);
        track('rne', current.rne, input.rne);
        track('codigoExterno', current.codigoExterno, input.codigoExterno);
        if (input.numeroDocumento !== undefined) changes.numeroDocumento = { old: '[cifrado]', new: '[cifrado]' };
        if (passwordHash) changes.password = { old: '[oculto]', new: '[oculto]' };

        await tx
          .update(users)
          .set({
            ...(input.email !== undefined ? { email: input.email } : {}),
            ...(input.nombres !== undefined ? { nombres: input.nombres } : {}),
            ...(input.apellidoPaterno !== undefined ? { apellidoPaterno: input.apellidoPaterno } : {}),
            ...(input.apellidoMaterno !== undefined ? { apellidoMaterno: input.apellidoMaterno } : {}),
            ...(role ? { roleId: role.id } : {}),
            ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
            ...(input.cmp !== undefined ? { cmp: input.cmp } : {}),
            ...(input.especialidad !== undefined ? { especialidad: input.especialidad } : {}),
            ...(input.rne !== undefined ? { rne: input.rne } : {}),
            ...(input.codigoExterno !== undefined ? { codigoExterno: input.codigoExterno } : {}),
            ...this.documentColumns(input.numeroDocumento),
            ...(passwordHash ? { passwordHash, passwordChangedAt: new Date() } : {}),
            version: sql`${users.version} + 1`,
            updatedAt: new Date(),
          })
          .where(eq(users.id, id));
        // Deactivation, role change and password change end every open session.
        if (input.isActive === false || (role && role.name !== current.role) || passwordHash) {
          await tx.update(refreshTokens).set({ revokedAt: new Date() })
            .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
        }
        const events = [{ action: 'USER_UPDATED', entity: 'user', entityId: id, details: { changes } }];
        if (changes.role) events.push({ action: 'ROLE_CHANGED', entity: 'user', entityId: id, details: { changes: { role: changes.role } } });
        if (changes.isActive) events.push({ action: input.isActive ? 'USER_ACTIVATED' : 'USER_DEACTIVATED', entity: 'user', entityId: id, details: { changes: {} } });
        await this.audit.record(tx, actor, events);
        return this.toDto((await usersRepository.findById(tx, id))!);
      });
    } catch (error) {
      this.rethrowUnique(error);
    }
  }

  async unlock(actor: AuditActor, id: string): Promise<UserDto> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.update(users).set({ failedLoginCount: 0, lockedUntil: null, updatedAt: new Date() })
        .where(eq(users.id, id)).returning({ id: users.id });
      if (updated.length === 0) throw new NotFoundError('USER_NOT_FOUND', 'El usuario no existe.');
      await this.audit.record(tx, actor, { action: 'USER_UNLOCKED', entity: 'user', entityId: id });
      return this.toDto((await usersRepository.findById(tx, id))!);
    });
  }

  /** An active MEDICO, or a 4xx naming the field. */
  async requireActiveDoctor(db: DbOrTx, id: string, path = 'doctor_id'): Promise<DoctorSummary> {
    const row = await usersRepository.findById(db, id);
    if (!row || row.role !== 'MEDICO') {
      throw new ValidationError([{ path, message: 'El médico no existe.' }]);
    }
    if (!row.isActive) throw new ValidationError([{ path, message: 'El médico está inactivo.' }]);
    return this.toDoctorSummary(row);
  }

  async doctorsByIds(db: DbOrTx, ids: string[]): Promise<Map<string, DoctorSummary>> {
    const rows = await usersRepository.findMedicosByIds(db, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, this.toDoctorSummary(r)]));
  }

  /** Maps the billing system's doctor identifier (codigoExterno, CMP or document number). */
  async findDoctorByIdentifier(db: DbOrTx, identifier: string): Promise<DoctorSummary[]> {
    const value = identifier.trim();
    const rows = await usersRepository.findMedicoByIdentifier(db, value,
      this.keyring.keyIds.map((k) => this.keyring.blindIndex(`user-doc:${value.toUpperCase()}`, k)));
    return rows.filter((r) => r.isActive).map((r) => this.toDoctorSummary(r));
  }

  /** First start: an ADMIN when no user exists. Returns the generated password, if any. */
  async bootstrapAdmin(email: string, password: string): Promise<boolean> {
    if ((await usersRepository.count(this.db)) > 0) return false;
    const role = await usersRepository.findRole(this.db, { name: 'ADMIN' });
    const passwordHash = await hashPassword(password, this.bcryptCost);
    await this.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(users).values({
        email: email.toLowerCase(), passwordHash, nombres: 'Administrador', apellidoPaterno: 'HCE', roleId: role!.id,
      }).onConflictDoNothing().returning({ id: users.id });
      if (inserted) {
        await this.audit.record(tx, { actorKind: 'system' }, { action: 'USER_CREATED', entity: 'user', entityId: inserted.id, details: { email: email.toLowerCase(), role: 'ADMIN', bootstrap: true } });
      }
    });
    return true;
  }
}
