import { z } from 'zod';

/**
 * Settings of the billing integration (webhook in, events out), spread into the schema of
 * src/config/env.ts, the only reader of process.env.
 */

const positiveInt = z.coerce.number().int().positive();

export const billingEnv = {
  /** Bootstraps an integration client with this key at start (the billing system's key). */
  HCE_SALES_API_KEY: z.string().min(32, 'debe tener al menos 32 caracteres (openssl rand -base64 32)').optional(),
  BILLING_WEBHOOK_URL: z.string().regex(/^https?:\/\/\S+$/, 'debe ser una URL http:// o https://').optional(),
  BILLING_WEBHOOK_SECRET: z.string().min(32, 'debe tener al menos 32 caracteres (openssl rand -base64 32)').optional(),
  BILLING_MAX_ATTEMPTS: positiveInt.max(100).default(10),
  BILLING_RETRY_BASE_MS: positiveInt.default(30_000),
  BILLING_RETRY_MAX_MS: positiveInt.default(3_600_000),
  BILLING_TIMEOUT_MS: positiveInt.max(60_000).default(5_000),
  OUTBOX_POLL_MS: positiveInt.default(5_000),
  RATE_LIMIT_WEBHOOK_PER_MIN: positiveInt.default(600),
};

/** Cross-field rule, checked by loadConfig with the others. */
export function billingConfigProblems(env: { BILLING_WEBHOOK_URL?: string | undefined; BILLING_WEBHOOK_SECRET?: string | undefined }): string[] {
  return env.BILLING_WEBHOOK_URL && !env.BILLING_WEBHOOK_SECRET
    ? ['BILLING_WEBHOOK_SECRET: obligatorio cuando BILLING_WEBHOOK_URL está configurada (los eventos se firman con él)']
    : [];
}
