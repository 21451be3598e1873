import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const roles = pgTable('roles', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  description: text().notNull(),
});

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored lower-cased: e-mail addresses are matched case-insensitively. */
    email: text().notNull(),
    passwordHash: text().notNull(),
    nombres: text().notNull(),
    apellidoPaterno: text().notNull(),
    apellidoMaterno: text(),
    roleId: uuid().notNull().references(() => roles.id),
    isActive: boolean().notNull().default(true),
    // Doctor profile (role MEDICO).
    cmp: text(),
    especialidad: text(),
    rne: text(),
    numeroDocumentoEnc: text(),
    numeroDocumentoBidx: text(),
    codigoExterno: text(),
    failedLoginCount: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    lastLoginAt: timestamp({ withTimezone: true }),
    passwordChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_cmp_key').on(t.cmp).where(sql`${t.cmp} IS NOT NULL`),
    uniqueIndex('users_codigo_externo_key').on(t.codigoExterno).where(sql`${t.codigoExterno} IS NOT NULL`),
    index('users_numero_documento_bidx').on(t.numeroDocumentoBidx),
    index('users_role_active_idx').on(t.roleId, t.isActive),
  ],
);
