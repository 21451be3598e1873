import { and, asc, count, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { anyOf, prepared } from '../../db/prepared.js';
import { attachments } from './attachments.table.js';

export type AttachmentRow = typeof attachments.$inferSelect;
export type NewAttachmentRow = typeof attachments.$inferInsert;

export const attachmentsRepository = {
  async findById(db: DbOrTx, id: string): Promise<AttachmentRow | undefined> {
    const [row] = await db.select().from(attachments).where(eq(attachments.id, id)).limit(1);
    return row;
  },
  async insert(db: DbOrTx, values: NewAttachmentRow): Promise<AttachmentRow> {
    const [row] = await db.insert(attachments).values(values).returning();
    return row!;
  },
  async byAttentions(db: DbOrTx, attentionIds: string[]): Promise<AttachmentRow[]> {
    if (attentionIds.length === 0) return [];
    const list = anyOf('id', attentionIds, 'uuid');
    const name = `attachments_by_attentions_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select().from(attachments)
      .where(list.where(attachments.attentionId)).orderBy(asc(attachments.uploadedAt), asc(attachments.id)).prepare(name));
    return statement.execute(list.params);
  },
  async listByAttention(db: DbOrTx, attentionId: string, opts: { includeDeleted: boolean; limit: number; offset: number }) {
    const conditions: SQL[] = [eq(attachments.attentionId, attentionId)];
    if (!opts.includeDeleted) conditions.push(isNull(attachments.deletedAt));
    const where = and(...conditions);
    const [rows, totals] = await Promise.all([
      db.select().from(attachments).where(where).orderBy(asc(attachments.uploadedAt), asc(attachments.id)).limit(opts.limit).offset(opts.offset),
      db.select({ n: count() }).from(attachments).where(where),
    ]);
    return { rows, total: Number(totals[0]?.n ?? 0) };
  },
  async markDeleted(db: DbOrTx, id: string, by: string, motivo: string | null): Promise<boolean> {
    const done = await db.update(attachments).set({ deletedAt: new Date(), deletedBy: by, motivoEliminacion: motivo })
      .where(and(eq(attachments.id, id), isNull(attachments.deletedAt))).returning({ id: attachments.id });
    return done.length > 0;
  },
  /** Storage locations in id order, a page at a time (for the storage check). */
  async storageKeys(db: DbOrTx, driver: string, after: string | undefined, limit: number) {
    const conditions: SQL[] = [eq(attachments.storageDriver, driver)];
    if (after) conditions.push(gt(attachments.id, after));
    return db.select({ id: attachments.id, storageKey: attachments.storageKey, size: attachments.size })
      .from(attachments).where(and(...conditions)).orderBy(asc(attachments.id)).limit(limit);
  },
  async countOtherDrivers(db: DbOrTx, driver: string): Promise<number> {
    const rows = await db.select({ driver: attachments.storageDriver, n: count() }).from(attachments).groupBy(attachments.storageDriver);
    return rows.filter((r) => r.driver !== driver).reduce((sum, r) => sum + Number(r.n), 0);
  },
};
