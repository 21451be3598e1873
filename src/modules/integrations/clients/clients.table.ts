import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Systems that call the HCE with an API key (the billing system). A client is never deleted:
 * revoking it refuses all its keys but keeps it for the audit trail.
 */
export const integrationClients = pgTable(
  'integration_clients',
  {
    id: uuid().primaryKey().defaultRandom(),
    nombre: text().notNull(),
    descripcion: text(),
    /** Named permissions its keys grant (a subset of INTEGRATION_PERMISSIONS). */
    permisos: jsonb().$type<string[]>().notNull().default([]),
    /** ADMIN (created through the API) or ENV (bootstrapped from HCE_SALES_API_KEY). */
    origen: text().notNull().default('ADMIN'),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: uuid(),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('integration_clients_nombre_key').on(t.nombre)],
);

/**
 * A client's keys: only the SHA-256 of each key is stored (keys are 256 random bits, so a
 * plain hash is enough and survives HCE_DATA_KEY rotation), plus a short prefix that lets
 * an ADMIN tell keys apart. Rotation adds a key and gives the old ones an expiry.
 */
export const integrationClientKeys = pgTable(
  'integration_client_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    clientId: uuid().notNull().references(() => integrationClients.id),
    prefix: text().notNull(),
    keyHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('integration_client_keys_hash_key').on(t.keyHash),
    index('integration_client_keys_client_idx').on(t.clientId),
  ],
);
