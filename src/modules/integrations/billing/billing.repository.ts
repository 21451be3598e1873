import { eq, sql } from 'drizzle-orm';
import type { WithSubquery } from 'drizzle-orm/subquery';
import type { DbOrTx } from '../../../db/client.js';
import { prepared, preparedInsert } from '../../../db/prepared.js';
import { auditedInsert } from '../../audit/audit.service.js';
import { billingTransactions, integrationLog } from './billing.table.js';

export type BillingTransactionRow = typeof billingTransactions.$inferSelect;
export type IntegrationLogEntry = typeof integrationLog.$inferInsert;

const insertLog = preparedInsert(integrationLog, 'integration_log_insert');

export const salesRepository = {
  async findForUpdate(db: DbOrTx, idTransaccionVentas: string): Promise<BillingTransactionRow | undefined> {
    const statement = prepared(db, 'billing_transaction_for_update', (root) => root.select().from(billingTransactions)
      .where(eq(billingTransactions.idTransaccionVentas, sql.placeholder('id'))).limit(1).for('update').prepare('billing_transaction_for_update'));
    const [row] = await statement.execute({ id: idTransaccionVentas });
    return row;
  },
  /** A new sale and its audit rows (`AuditService.rowsParam`). */
  insert: auditedInsert(billingTransactions, 'billing_transactions_insert_audited'),
  /** `audited`: the audit rows written by the same statement (AuditService.recordWith). */
  async update(db: DbOrTx, id: string, values: Partial<typeof billingTransactions.$inferInsert>, audited: WithSubquery): Promise<void> {
    await db.with(audited).update(billingTransactions).set({ ...values, entregas: sql`${billingTransactions.entregas} + 1`, updatedAt: new Date() })
      .where(eq(billingTransactions.id, id));
  },
  async movePatient(db: DbOrTx, fromId: string, intoId: string): Promise<number> {
    const rows = await db.update(billingTransactions).set({ patientId: intoId }).where(eq(billingTransactions.patientId, fromId)).returning({ id: billingTransactions.id });
    return rows.length;
  },
  async log(db: DbOrTx, entry: IntegrationLogEntry): Promise<void> {
    await insertLog(db, entry);
  },
};
