import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { AppError, UnauthorizedError, ValidationError } from '../../shared/errors.js';
import type { Mailer } from '../../shared/mailer.js';
import type { RateLimiter, RateRule } from '../../shared/rate-limit.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { usersRepository, type UserRow } from '../users/users.repository.js';
import { fullName, type UsersService } from '../users/users.service.js';
import { users } from '../users/users.table.js';
import { passwordResetTokens, refreshTokens } from './auth.table.js';
import { dummyPasswordHash, hashPassword, passwordPolicyErrors, verifyPassword } from './password.js';
import { hashToken, newOpaqueToken, type TokenService } from './tokens.js';
import { randomUUID } from 'node:crypto';

const INVALID_CREDENTIALS = 'Correo o contraseña incorrectos.';

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user_id: string;
  role: UserRow['role'];
  user_data: { nombres: string; apellidoPaterno: string; apellidoMaterno: string | null; nombreCompleto: string; email: string };
}

function tooManyRequests(retryAfter: number): AppError {
  return new AppError(429, 'RATE_LIMITED', 'Demasiadas solicitudes',
    `Demasiados intentos. Espere ${retryAfter} segundos antes de volver a intentar.`,
    undefined, { retryAfter }, { 'retry-after': String(retryAfter) });
}

export class AuthService {
  private readonly pending = new Set<Promise<void>>();
  private readonly rules: Record<string, RateRule>;

  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly usersService: UsersService,
    private readonly limiter: RateLimiter,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly onUserChanged: (userId: string) => void = () => undefined,
  ) {
    const ipWindow = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
    const accountWindow = config.RATE_LIMIT_ACCOUNT_WINDOW_SECONDS * 1000;
    this.rules = {
      loginIp: { name: 'login:ip', max: config.RATE_LIMIT_LOGIN_PER_IP, windowMs: ipWindow },
      loginAccount: { name: 'login:account', max: config.RATE_LIMIT_LOGIN_PER_ACCOUNT, windowMs: accountWindow },
      refreshIp: { name: 'refresh:ip', max: config.RATE_LIMIT_LOGIN_PER_IP * 2, windowMs: ipWindow },
      forgotIp: { name: 'forgot:ip', max: Math.max(5, Math.floor(config.RATE_LIMIT_LOGIN_PER_IP / 6)), windowMs: ipWindow },
      forgotAccount: { name: 'forgot:account', max: 3, windowMs: accountWindow },
      resetIp: { name: 'reset:ip', max: Math.max(5, Math.floor(config.RATE_LIMIT_LOGIN_PER_IP / 6)), windowMs: ipWindow },
    };
  }

  private async limit(actor: AuditActor, action: string, checks: [RateRule, string][]): Promise<void> {
    for (const [rule, subject] of checks) {
      const retryAfter = await this.limiter.check(rule, subject);
      if (retryAfter > 0) {
        await this.audit.recordStandalone(actor, { action: 'RATE_LIMITED', outcome: 'DENIED', details: { endpoint: action, rule: rule.name } });
        throw tooManyRequests(retryAfter);
      }
    }
  }

  private async issueTokens(user: UserRow, familyId: string, actor: AuditActor, tx: Db | Parameters<Parameters<Db['transaction']>[0]>[0] = this.db) {
    const refreshToken = newOpaqueToken();
    await tx.insert(refreshTokens).values({
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.REFRESH_TTL_DAYS * 86_400_000),
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    });
    const accessToken = await this.tokens.signAccess(user);
    return { accessToken, refreshToken };
  }

  private loginResult(user: UserRow, tokens: { accessToken: string; refreshToken: string }): LoginResult {
    return {
      ...tokens,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtl,
      user_id: user.id,
      role: user.role,
      user_data: {
        nombres: user.nombres,
        apellidoPaterno: user.apellidoPaterno,
        apellidoMaterno: user.apellidoMaterno,
        nombreCompleto: fullName(user),
        email: user.email,
      },
    };
  }

  async login(actor: AuditActor, email: string, password: string): Promise<LoginResult> {
    await this.limit(actor, 'login', [[this.rules.loginIp!, actor.ip ?? 'unknown'], [this.rules.loginAccount!, email]]);
    const user = await usersRepository.findByEmail(this.db, email);
    if (!user) {
      await verifyPassword(password, dummyPasswordHash(this.config.BCRYPT_COST));
      await this.audit.recordStandalone(actor, { action: 'LOGIN_FAILED', outcome: 'FAILURE', details: { email, reason: 'unknown_email' } });
      throw new UnauthorizedError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    const passwordOk = await verifyPassword(password, user.passwordHash);
    const failActor = { ...actor, actorId: user.id, actorRole: user.role, actorKind: 'user' };
    const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
    if (locked) {
      await this.audit.recordStandalone(failActor, { action: 'LOGIN_FAILED', outcome: 'DENIED', entity: 'user', entityId: user.id, details: { email, reason: 'locked' } });
      // Only someone who knows the password learns that the account is locked.
      if (passwordOk) {
        throw new AppError(423, 'ACCOUNT_LOCKED', 'Cuenta bloqueada',
          'La cuenta está bloqueada temporalmente por intentos fallidos. Espere o pida a un administrador que la desbloquee.',
          undefined, { lockedUntil: user.lockedUntil!.toISOString() });
      }
      throw new UnauthorizedError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    if (!passwordOk) {
      await this.registerFailure(user, failActor, email);
      throw new UnauthorizedError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    if (!user.isActive) {
      await this.audit.recordStandalone(failActor, { action: 'LOGIN_FAILED', outcome: 'DENIED', entity: 'user', entityId: user.id, details: { email, reason: 'inactive' } });
      throw new UnauthorizedError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    return this.db.transaction(async (tx) => {
      await tx.update(users).set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: new Date() }).where(eq(users.id, user.id));
      const tokens = await this.issueTokens(user, randomUUID(), actor, tx);
      await this.audit.record(tx, failActor, { action: 'LOGIN_SUCCESS', entity: 'user', entityId: user.id });
      return this.loginResult(user, tokens);
    });
  }

  /** Counts a failure atomically (several instances may race) and locks at the threshold. */
  private async registerFailure(user: UserRow, actor: AuditActor, email: string): Promise<void> {
    const threshold = this.config.LOGIN_MAX_FAILURES;
    const lockMinutes = this.config.LOGIN_LOCKOUT_MINUTES;
    const expiredLock = sql`(${users.lockedUntil} IS NOT NULL AND ${users.lockedUntil} <= now())`;
    const newCount = sql`CASE WHEN ${expiredLock} THEN 1 ELSE ${users.failedLoginCount} + 1 END`;
    const [row] = await this.db
      .update(users)
      .set({
        failedLoginCount: newCount,
        lockedUntil: sql`CASE WHEN ${newCount} >= ${threshold} THEN now() + make_interval(mins => ${lockMinutes})
                              WHEN ${expiredLock} THEN NULL ELSE ${users.lockedUntil} END`,
      })
      .where(eq(users.id, user.id))
      .returning({ failedLoginCount: users.failedLoginCount, lockedUntil: users.lockedUntil });
    const events = [{ action: 'LOGIN_FAILED', outcome: 'FAILURE' as const, entity: 'user', entityId: user.id, details: { email, reason: 'wrong_password', failures: row?.failedLoginCount } }];
    if (row && row.failedLoginCount === threshold) {
      events.push({ action: 'ACCOUNT_LOCKED', outcome: 'FAILURE' as const, entity: 'user', entityId: user.id, details: { email, reason: 'too_many_failures', failures: row.failedLoginCount } });
    }
    await this.audit.recordStandalone(actor, events);
  }

  async refresh(actor: AuditActor, refreshToken: string): Promise<LoginResult> {
    await this.limit(actor, 'refresh', [[this.rules.refreshIp!, actor.ip ?? 'unknown']]);
    const tokenHash = hashToken(refreshToken);
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    const invalid = new UnauthorizedError('INVALID_REFRESH_TOKEN', 'El token de renovación no es válido o expiró. Inicie sesión nuevamente.');
    if (!row) {
      await this.audit.recordStandalone(actor, { action: 'REFRESH_FAILED', outcome: 'FAILURE', details: { reason: 'unknown_token' } });
      throw invalid;
    }
    const userActor = { ...actor, actorId: row.userId, actorKind: 'user' };
    if (row.usedAt || row.revokedAt) {
      await this.revokeFamily(row.familyId);
      await this.audit.recordStandalone(userActor, { action: 'REFRESH_TOKEN_REUSE', outcome: 'DENIED', entity: 'user', entityId: row.userId, details: { familyRevoked: true } });
      throw invalid;
    }
    if (row.expiresAt.getTime() <= Date.now()) {
      await this.audit.recordStandalone(userActor, { action: 'REFRESH_FAILED', outcome: 'FAILURE', entity: 'user', entityId: row.userId, details: { reason: 'expired' } });
      throw invalid;
    }
    const user = await usersRepository.findById(this.db, row.userId);
    if (!user || !user.isActive) {
      await this.revokeFamily(row.familyId);
      throw invalid;
    }
    const result = await this.db.transaction(async (tx) => {
      const spent = await tx.update(refreshTokens).set({ usedAt: new Date() })
        .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      if (spent.length === 0) return undefined; // lost a race with another use of the same token
      const tokens = await this.issueTokens(user, row.familyId, actor, tx);
      await this.audit.record(tx, { ...userActor, actorRole: user.role }, { action: 'TOKEN_REFRESHED', entity: 'user', entityId: user.id });
      return this.loginResult(user, tokens);
    });
    if (!result) {
      await this.revokeFamily(row.familyId);
      await this.audit.recordStandalone(userActor, { action: 'REFRESH_TOKEN_REUSE', outcome: 'DENIED', entity: 'user', entityId: row.userId, details: { familyRevoked: true, concurrent: true } });
      throw invalid;
    }
    return result;
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  async logout(actor: AuditActor, refreshToken: string): Promise<void> {
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashToken(refreshToken))).limit(1);
    if (!row) return;
    await this.revokeFamily(row.familyId);
    await this.audit.recordStandalone({ ...actor, actorId: row.userId, actorKind: 'user' }, { action: 'LOGOUT', entity: 'user', entityId: row.userId });
  }

  /** Answers at once; the lookup and mail happen afterwards, so timing reveals nothing. */
  async forgotPassword(actor: AuditActor, email: string): Promise<void> {
    await this.limit(actor, 'forgot-password', [[this.rules.forgotIp!, actor.ip ?? 'unknown'], [this.rules.forgotAccount!, email]]);
    const task = this.sendResetMail(actor, email).catch((error: unknown) => {
      this.logger.error({ err: error }, 'password reset mail failed');
    });
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private async sendResetMail(actor: AuditActor, email: string): Promise<void> {
    const user = await usersRepository.findByEmail(this.db, email);
    if (!user || !user.isActive) {
      await this.audit.recordStandalone(actor, { action: 'PASSWORD_RESET_REQUESTED', outcome: 'FAILURE', details: { email, reason: user ? 'inactive' : 'unknown_email' } });
      return;
    }
    const token = newOpaqueToken();
    const ttl = this.config.RESET_TOKEN_TTL_MINUTES;
    await this.db.transaction(async (tx) => {
      await tx.update(passwordResetTokens).set({ invalidatedAt: new Date() })
        .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt), isNull(passwordResetTokens.invalidatedAt)));
      await tx.insert(passwordResetTokens).values({ userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttl * 60_000) });
      await this.audit.record(tx, { ...actor, actorId: user.id, actorKind: 'user' }, { action: 'PASSWORD_RESET_REQUESTED', entity: 'user', entityId: user.id });
    });
    const link = `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/reset-password?token=${token}`;
    await this.mailer.send({
      to: user.email,
      subject: 'Restablecimiento de contraseña — HCE',
      text: [
        `Hola ${user.nombres}:`,
        '',
        'Recibimos una solicitud para restablecer su contraseña del sistema de Historia Clínica Electrónica.',
        `Use este enlace (válido por ${ttl} minutos, una sola vez):`,
        link,
        '',
        'Código de restablecimiento:',
        token,
        '',
        'Si usted no lo solicitó, ignore este mensaje: su contraseña no cambiará.',
      ].join('\n'),
    });
  }

  async resetPassword(actor: AuditActor, input: { token: string; new_password: string; confirm_new_password: string }): Promise<void> {
    await this.limit(actor, 'reset-password', [[this.rules.resetIp!, actor.ip ?? 'unknown']]);
    const invalid = new AppError(400, 'INVALID_RESET_TOKEN', 'Token inválido',
      'El enlace de restablecimiento no es válido, ya fue usado o expiró. Solicite uno nuevo.', [{ path: 'token', message: 'Token inválido o expirado' }]);
    const [row] = await this.db.select().from(passwordResetTokens)
      .where(and(eq(passwordResetTokens.tokenHash, hashToken(input.token)), isNull(passwordResetTokens.usedAt),
        isNull(passwordResetTokens.invalidatedAt), gt(passwordResetTokens.expiresAt, new Date())))
      .limit(1);
    if (!row) {
      await this.audit.recordStandalone(actor, { action: 'PASSWORD_RESET_FAILED', outcome: 'FAILURE', details: { reason: 'invalid_token' } });
      throw invalid;
    }
    if (input.new_password !== input.confirm_new_password) {
      throw new ValidationError([{ path: 'confirm_new_password', message: 'La confirmación no coincide con la nueva contraseña.' }]);
    }
    const user = await usersRepository.findById(this.db, row.userId);
    if (!user || !user.isActive) throw invalid;
    const errors = passwordPolicyErrors(input.new_password, user.email, 'new_password');
    if (errors.length) throw new ValidationError(errors);
    const passwordHash = await hashPassword(input.new_password, this.config.BCRYPT_COST);
    await this.db.transaction(async (tx) => {
      const used = await tx.update(passwordResetTokens).set({ usedAt: new Date() })
        .where(and(eq(passwordResetTokens.id, row.id), isNull(passwordResetTokens.usedAt))).returning({ id: passwordResetTokens.id });
      if (used.length === 0) throw invalid;
      await tx.update(users).set({ passwordHash, passwordChangedAt: new Date(), failedLoginCount: 0, lockedUntil: null, updatedAt: new Date() })
        .where(eq(users.id, user.id));
      await tx.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.userId, user.id), isNull(refreshTokens.revokedAt)));
      await this.audit.record(tx, { ...actor, actorId: user.id, actorRole: user.role, actorKind: 'user' },
        { action: 'PASSWORD_RESET_COMPLETED', entity: 'user', entityId: user.id, details: { sessionsRevoked: true } });
    });
    this.onUserChanged(user.id);
  }

  async me(userId: string) {
    return this.usersService.get(userId);
  }

  /** Waits for background work (reset mails) so shutdown and tests see it finished. */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
