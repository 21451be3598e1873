import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { verificationCodes } from './documents.table.js';

export type VerificationCodeRow = typeof verificationCodes.$inferSelect;
export type NewVerificationCode = typeof verificationCodes.$inferInsert;

export const documentsRepository = {
  async insert(db: DbOrTx, row: NewVerificationCode): Promise<void> {
    await db.insert(verificationCodes).values(row);
  },
  async find(db: DbOrTx, code: string): Promise<VerificationCodeRow | undefined> {
    const [row] = await db.select().from(verificationCodes).where(eq(verificationCodes.code, code)).limit(1);
    return row;
  },
};
