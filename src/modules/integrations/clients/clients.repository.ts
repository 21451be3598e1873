import { and, asc, eq, gt, inArray, isNull, or, sql, type Placeholder } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { prepared } from '../../../db/prepared.js';
import { integrationClientKeys, integrationClients } from './clients.table.js';

export type IntegrationClientRow = typeof integrationClients.$inferSelect;
export type IntegrationKeyRow = typeof integrationClientKeys.$inferSelect;

/** A key that may still authenticate: not revoked, not expired, of a client not revoked. */
const usable = (now: Date | Placeholder) => and(
  isNull(integrationClientKeys.revokedAt),
  or(isNull(integrationClientKeys.expiresAt), gt(integrationClientKeys.expiresAt, now)),
);

export const clientsRepository = {
  async findById(db: DbOrTx, id: string, forUpdate = false): Promise<IntegrationClientRow | undefined> {
    const query = db.select().from(integrationClients).where(eq(integrationClients.id, id)).limit(1);
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  },
  async findByName(db: DbOrTx, nombre: string): Promise<IntegrationClientRow | undefined> {
    const [row] = await db.select().from(integrationClients).where(eq(integrationClients.nombre, nombre)).limit(1);
    return row;
  },
  async list(db: DbOrTx): Promise<IntegrationClientRow[]> {
    return db.select().from(integrationClients).orderBy(asc(integrationClients.nombre));
  },
  async keysOf(db: DbOrTx, clientIds: string[]): Promise<IntegrationKeyRow[]> {
    if (clientIds.length === 0) return [];
    return db.select().from(integrationClientKeys).where(inArray(integrationClientKeys.clientId, clientIds))
      .orderBy(asc(integrationClientKeys.createdAt), asc(integrationClientKeys.id));
  },
  async findKeyByHash(db: DbOrTx, keyHash: string): Promise<IntegrationKeyRow | undefined> {
    const [row] = await db.select().from(integrationClientKeys).where(eq(integrationClientKeys.keyHash, keyHash)).limit(1);
    return row;
  },
  /** The usable key with that hash and its live client, in one query. */
  async findUsable(db: DbOrTx, keyHash: string, now: Date): Promise<{ key: IntegrationKeyRow; client: IntegrationClientRow } | undefined> {
    // Every webhook delivery runs it: prepared.
    const statement = prepared(db, 'integration_keys_usable', (root) => root.select({ key: integrationClientKeys, client: integrationClients })
      .from(integrationClientKeys).innerJoin(integrationClients, eq(integrationClients.id, integrationClientKeys.clientId))
      .where(and(eq(integrationClientKeys.keyHash, sql.placeholder('keyHash')), usable(sql.placeholder('now')), isNull(integrationClients.revokedAt)))
      .limit(1).prepare('integration_keys_usable'));
    const [row] = await statement.execute({ keyHash, now: now.toISOString() });
    return row;
  },
  async insertKey(db: DbOrTx, values: typeof integrationClientKeys.$inferInsert): Promise<IntegrationKeyRow> {
    const [row] = await db.insert(integrationClientKeys).values(values).returning();
    return row!;
  },
  /** Gives every still-usable key of the client an expiry no later than `at`. */
  async expireUsableKeys(db: DbOrTx, clientId: string, at: Date, now: Date): Promise<number> {
    const rows = await db.update(integrationClientKeys)
      .set({ expiresAt: sql`LEAST(COALESCE(${integrationClientKeys.expiresAt}, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz)` })
      .where(and(eq(integrationClientKeys.clientId, clientId), usable(now))).returning({ id: integrationClientKeys.id });
    return rows.length;
  },
  async revokeKeys(db: DbOrTx, clientId: string, at: Date): Promise<void> {
    await db.update(integrationClientKeys).set({ revokedAt: at })
      .where(and(eq(integrationClientKeys.clientId, clientId), isNull(integrationClientKeys.revokedAt)));
  },
  async touchKey(db: DbOrTx, keyId: string, at: Date): Promise<void> {
    await db.update(integrationClientKeys).set({ lastUsedAt: at }).where(eq(integrationClientKeys.id, keyId));
  },
};
