// drizzle-kit entry point: re-exports every module's tables.
export * from '../modules/users/users.table.js';
export * from '../modules/auth/auth.table.js';
export * from '../modules/audit/audit.table.js';
export * from '../modules/patients/patients.table.js';
