import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { anyOf, prepared } from '../../db/prepared.js';
import type { RoleName } from '../auth/auth.types.js';
import { roles, users } from './users.table.js';

export type UserRow = typeof users.$inferSelect & { role: RoleName };

const userColumns = {
  id: users.id, email: users.email, passwordHash: users.passwordHash, nombres: users.nombres,
  apellidoPaterno: users.apellidoPaterno, apellidoMaterno: users.apellidoMaterno, roleId: users.roleId,
  isActive: users.isActive, cmp: users.cmp, especialidad: users.especialidad, rne: users.rne,
  numeroDocumentoEnc: users.numeroDocumentoEnc, numeroDocumentoBidx: users.numeroDocumentoBidx,
  codigoExterno: users.codigoExterno, failedLoginCount: users.failedLoginCount, lockedUntil: users.lockedUntil,
  lastLoginAt: users.lastLoginAt, passwordChangedAt: users.passwordChangedAt, version: users.version,
  createdAt: users.createdAt, updatedAt: users.updatedAt, role: sql<RoleName>`${roles.name}`,
};

function select(db: DbOrTx) {
  return db.select(userColumns).from(users).innerJoin(roles, eq(roles.id, users.roleId));
}

export const usersRepository = {
  async findById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
    const statement = prepared(db, 'users_by_id', (root) => select(root).where(eq(users.id, sql.placeholder('id'))).limit(1).prepare('users_by_id'));
    const [row] = await statement.execute({ id });
    return row;
  },
  async findByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
    const [row] = await select(db).where(eq(users.email, email.toLowerCase())).limit(1);
    return row;
  },
  async findByIdForUpdate(db: DbOrTx, id: string): Promise<UserRow | undefined> {
    const [row] = await select(db).where(eq(users.id, id)).limit(1).for('update', { of: users });
    return row;
  },
  async count(db: DbOrTx): Promise<number> {
    const [row] = await db.select({ n: count() }).from(users);
    return Number(row?.n ?? 0);
  },
  async list(db: DbOrTx, filter: { role?: RoleName; isActive?: boolean; limit: number; offset: number }) {
    const conditions: SQL[] = [];
    if (filter.role) conditions.push(eq(roles.name, filter.role));
    if (filter.isActive !== undefined) conditions.push(eq(users.isActive, filter.isActive));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, totals] = await Promise.all([
      select(db).where(where).orderBy(users.apellidoPaterno, users.nombres, users.id).limit(filter.limit).offset(filter.offset),
      db.select({ n: count() }).from(users).innerJoin(roles, eq(roles.id, users.roleId)).where(where),
    ]);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
  async findRole(db: DbOrTx, by: { id?: string; name?: RoleName }) {
    const [row] = await db.select().from(roles).where(by.id ? eq(roles.id, by.id) : eq(roles.name, by.name!)).limit(1);
    return row as { id: string; name: RoleName; description: string } | undefined;
  },
  async listRoles(db: DbOrTx) {
    return (await db.select().from(roles).orderBy(roles.name)) as { id: string; name: RoleName; description: string }[];
  },
  async findMedicosByIds(db: DbOrTx, ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const list = anyOf('id', ids, 'uuid');
    const name = `users_medicos_by_ids_${list.shape}`;
    const statement = prepared(db, name, (root) => select(root).where(and(list.where(users.id), eq(roles.name, 'MEDICO'))).prepare(name));
    return statement.execute(list.params);
  },
  /** A MEDICO by their billing-system code, CMP or document blind index. */
  async findMedicoByIdentifier(db: DbOrTx, identifier: string, documentIndexes: string[]): Promise<UserRow[]> {
    // One blind index per data key: a statement per number of keys (`anyOf`).
    const keys = anyOf('index', documentIndexes, 'text');
    const name = `users_medico_by_identifier_${keys.shape}`;
    const statement = prepared(db, name, (root) => select(root).where(and(eq(roles.name, 'MEDICO'),
      sql`(${users.codigoExterno} = ${sql.placeholder('identifier')} OR ${users.cmp} = ${sql.placeholder('identifier')} OR ${keys.where(users.numeroDocumentoBidx)})`))
      .prepare(name));
    return statement.execute({ identifier, ...keys.params });
  },
};
