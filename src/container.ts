import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from './config/env.js';
import type { Database } from './db/client.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthUserCache, type ApiKeyVerifier } from './modules/auth/auth.plugin.js';
import { AuthService } from './modules/auth/auth.service.js';
import { TokenService } from './modules/auth/tokens.js';
import { PatientsService } from './modules/patients/patients.service.js';
import { UsersService } from './modules/users/users.service.js';
import { Keyring } from './shared/crypto/keyring.js';
import { createMailer, type Mailer } from './shared/mailer.js';
import { MemoryRateLimitStore, RateLimiter, type RateLimitStore } from './shared/rate-limit.js';

export interface Services {
  keyring: Keyring;
  tokens: TokenService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  users: UsersService;
  authUsers: AuthUserCache;
  auth: AuthService;
  patients: PatientsService;
  /** Set by the integrations module; verifies X-API-Key. */
  apiKeyVerifier?: ApiKeyVerifier;
}

export interface ContainerOptions {
  config: AppConfig;
  database: Database;
  logger: Logger;
  rateLimitStore?: RateLimitStore;
  mailer?: Mailer;
}

/** Builds every service once; modules get them through app.ctx.services. */
export function createServices(options: ContainerOptions): Services {
  const { config, database, logger } = options;
  const db = database.db;
  const keyring = new Keyring(config.HCE_DATA_KEY!, config.HCE_DATA_KEYS_OLD);
  const tokens = new TokenService(config.JWT_SECRET!, config.JWT_ACCESS_TTL_SECONDS);
  const audit = new AuditService(db, logger);
  const rateLimiter = new RateLimiter(options.rateLimitStore ?? new MemoryRateLimitStore());
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: join(config.HCE_DATA_DIR, 'outbox') });
  const users = new UsersService(db, audit, keyring, config.BCRYPT_COST);
  const authUsers = new AuthUserCache(db, 5000);
  const auth = new AuthService(db, config, tokens, audit, users, rateLimiter, mailer, logger, (id) => authUsers.invalidate(id));
  const patients = new PatientsService(db, audit, keyring, config);
  return { keyring, tokens, audit, rateLimiter, mailer, users, authUsers, auth, patients };
}
