// drizzle-kit entry point: re-exports every module's tables.
export * from '../modules/users/users.table.js';
export * from '../modules/auth/auth.table.js';
export * from '../modules/audit/audit.table.js';
export * from '../modules/catalogs/catalogs.table.js';
export * from '../modules/patients/patients.table.js';
export * from '../modules/appointments/appointments.table.js';
export * from '../modules/attentions/attentions.table.js';
export * from '../modules/reports/reports.table.js';
export * from '../modules/attachments/attachments.table.js';
export * from '../modules/appointments/prices.table.js';
export * from '../modules/consents/consents.table.js';
export * from '../modules/pharmacovigilance/pharmacovigilance.table.js';
export * from '../modules/documents/documents.table.js';
export * from '../modules/signature/signature.table.js';
export * from '../modules/integrations/clients/clients.table.js';
export * from '../modules/integrations/billing/billing.table.js';
export * from '../modules/integrations/outbox/outbox.table.js';
