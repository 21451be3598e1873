import { z } from 'zod';
import { integrationEnv } from '../modules/integrations/http/integration-env.js';
import { billingConfigProblems, billingEnv } from '../modules/integrations/billing/billing-env.js';
import { isValidRuc } from '../modules/patients/documents.js';

/**
 * The only reader of process.env. Parsed once at boot, frozen; a bad value stops the
 * process with a message naming every offending variable.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'debe ser una URL postgres://usuario:clave@host:puerto/base')
    .optional(),
  DATABASE_POOL_MAX: positiveInt.max(500).default(20),
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(15000),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(2000),
  SLOW_QUERY_MS: positiveInt.default(500),
  HCE_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32, 'debe tener al menos 32 caracteres').optional(),
  JWT_ACCESS_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TTL_DAYS: positiveInt.default(14),
  HCE_DATA_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'debe ser 32 bytes en base64 (openssl rand -base64 32)')
    .optional(),
  HCE_DATA_KEYS_OLD: csv.default([]),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'debe tener al menos 16 caracteres').optional(),
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  CORS_ORIGINS: csv.default([]),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10000),
  HCE_WORKERS: positiveInt.max(64).default(1),
  HCE_WORKER_HEAP_MB: z.coerce.number().int().min(0).max(65536).default(512),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'debe ser una URL smtp:// o smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('HCE <no-reply@hce.local>'),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  HCE_ADMIN_EMAIL: z.string().email().optional(),
  HCE_ADMIN_PASSWORD: z.string().min(10).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'debe ser una URL redis://').optional(),
  AUDIT_SEAL_INTERVAL_MS: positiveInt.default(5000),
  ...integrationEnv,
  ...billingEnv,
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_LOCKOUT_MINUTES: positiveInt.default(15),
  RATE_LIMIT_LOGIN_PER_IP: positiveInt.default(60),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: positiveInt.default(10),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: positiveInt.default(900),
  RESET_TOKEN_TTL_MINUTES: positiveInt.default(30),
  HC_NUMBER_MODE: z.enum(['sequence', 'document']).default('sequence'),
  HC_PREFIX: z.string().regex(/^[A-Z0-9-]{0,10}$/, 'letras mayúsculas, dígitos o guiones (máx. 10)').default('HC-'),
  HC_DIGITS: z.coerce.number().int().min(4).max(12).default(6),
  APPOINTMENT_MAX_PAST_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  IPRESS_CODE: z.string().regex(/^\d{8}$/, 'código IPRESS de RENIPRESS: 8 dígitos (ej. 00012345)').optional(),
  CLINIC_NAME: z.string().trim().min(3).max(150).default('Centro Médico'),
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  ATTACHMENT_MAX_BYTES: positiveInt.max(2_147_483_647).default(26_214_400),
  SIGNED_URL_TTL_SECONDS: positiveInt.max(86_400).default(300),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'nombre de bucket S3 inválido').optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]{2,40}$/, 'región inválida (ej. sa-east-1)').optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  CLINIC_RUC: z.string().regex(/^\d{11}$/, 'RUC de 11 dígitos').refine(isValidRuc, 'RUC inválido (dígito verificador de SUNAT)').optional(),
  CLINIC_ADDRESS: z.string().trim().min(3).max(200).optional(),
  CLINIC_PHONE: z.string().trim().regex(/^[0-9 +()-]{6,30}$/, 'teléfono: dígitos, espacios, +, ( ) o -').optional(),
  RECETA_VALIDEZ_DIAS: z.coerce.number().int().min(1).max(365).default(30),
  SIGNING_CERT_FILE: z.string().min(1).optional(),
  SIGNING_KEY_FILE: z.string().min(1).optional(),
  SIGNING_P12_FILE: z.string().min(1).optional(),
  SIGNING_P12_PASSWORD: z.string().optional(),
  REQUIRE_DATA_CONSENT: bool.default(false),
  RATE_LIMIT_VERIFY_PER_IP: positiveInt.default(30),
  IGV_PORCENTAJE: z.coerce.number().min(0).max(100).default(18),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig extends Env {
  /** true when the embedded PGlite database is used (no DATABASE_URL). */
  readonly embeddedDatabase: boolean;
  readonly tls: { cert: string; key: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuración inválida:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse an environment (process.env by default). Empty strings count as unset. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    problems.push('TLS_CERT_FILE/TLS_KEY_FILE: deben configurarse juntos');
  }
  // Several processes may share a server database, so generated per-process secrets would
  // break tokens and encrypted data between them: require explicit secrets there.
  if (env.NODE_ENV === 'production' || env.DATABASE_URL) {
    if (!env.JWT_SECRET) {
      problems.push('JWT_SECRET: obligatorio (genere uno con: openssl rand -base64 48)');
    }
    if (!env.HCE_DATA_KEY) {
      problems.push('HCE_DATA_KEY: obligatorio (genere una con: openssl rand -base64 32)');
    }
  }
  if (env.STORAGE_DRIVER === 's3') {
    if (!env.S3_BUCKET) problems.push('S3_BUCKET: obligatorio con STORAGE_DRIVER=s3');
    if (!env.S3_REGION) problems.push('S3_REGION: obligatorio con STORAGE_DRIVER=s3 (una región fuera del Perú es transferencia internacional, Ley 29733)');
  }
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY: deben configurarse juntos');
  }
  if (Boolean(env.SIGNING_CERT_FILE) !== Boolean(env.SIGNING_KEY_FILE)) {
    problems.push('SIGNING_CERT_FILE/SIGNING_KEY_FILE: deben configurarse juntos');
  }
  if (env.SIGNING_P12_FILE && env.SIGNING_CERT_FILE) {
    problems.push('SIGNING_P12_FILE: use el archivo PKCS#12 o el par SIGNING_CERT_FILE/SIGNING_KEY_FILE, no ambos');
  }
  problems.push(...billingConfigProblems(env));
  if (env.HCE_WORKERS > 1 && !env.DATABASE_URL) {
    problems.push('HCE_WORKERS: varios procesos requieren DATABASE_URL (la base embebida PGlite admite un solo proceso)');
  }
  if (env.NODE_ENV === 'production' && env.BCRYPT_COST < 12) {
    problems.push('BCRYPT_COST: debe ser al menos 12 en producción');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...env,
    embeddedDatabase: !env.DATABASE_URL,
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { cert: env.TLS_CERT_FILE, key: env.TLS_KEY_FILE } : undefined,
  });
}
