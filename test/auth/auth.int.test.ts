import { SignJWT } from 'jose';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_SECRETS, type TestApp } from '../helpers/app.js';
import { createUser, DEFAULT_PASSWORD } from '../factories/users.js';

const login = (t: TestApp, email: string, password: string, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });

function withoutRequestScope(body: Record<string, unknown>) {
  const { requestId: _r, instance: _i, ...rest } = body;
  return rest;
}

describe('login, tokens and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('logs in with the document shape and matches the e-mail case-insensitively', async () => {
    const doctor = await createUser(t, 'MEDICO', { email: 'dra.nunez@clinica.pe' });
    const res = await login(t, 'DRA.Nunez@Clinica.PE', DEFAULT_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      tokenType: 'Bearer', expiresIn: 900, user_id: doctor.id, role: 'MEDICO',
      user_data: { nombres: 'María José', apellidoPaterno: 'Quispe', apellidoMaterno: 'Núñez', nombreCompleto: 'María José Quispe Núñez', email: 'dra.nunez@clinica.pe' },
    });
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(40);
    expect(res.body).not.toMatch(/\$2[aby]\$/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: doctor.id, role: 'MEDICO', email: 'dra.nunez@clinica.pe' });
    expect(me.json().permissions).toContain('attentions:write');
    expect(me.json()).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const wrong = await login(t, user.email, 'Incorrecta-12345');
    const unknown = await login(t, 'nadie@clinica.pe', 'Incorrecta-12345');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(withoutRequestScope(wrong.json())).toEqual(withoutRequestScope(unknown.json()));
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses inactive users', async () => {
    const user = await createUser(t, 'ASISTENTE', { isActive: false });
    const res = await login(t, user.email, DEFAULT_PASSWORD);
    expect(res.statusCode).toBe(401);
  });

  it('refuses missing, tampered, expired, foreign-key and alg:none tokens', async () => {
    const user = await createUser(t, 'ADMIN');
    const me = (authorization?: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: authorization ? { authorization } : {} });
    expect((await me()).statusCode).toBe(401);
    const [h, p, s] = user.token.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'ADMIN', sub: user.id, exp: 9999999999 })).toString('base64url');
    expect((await me(`Bearer ${h}.${tamperedPayload}.${s}`)).json().code).toBe('INVALID_TOKEN');
    const key = new TextEncoder().encode(TEST_SECRETS.JWT_SECRET);
    const pcv = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()).pcv as number;
    const base = () => new SignJWT({ role: 'ADMIN', email: user.email, typ: 'access', pcv }).setSubject(user.id).setIssuer('hce-api').setAudience('hce-api');
    const expired = await base().setProtectedHeader({ alg: 'HS256' }).setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    const expiredRes = await me(`Bearer ${expired}`);
    expect(expiredRes.statusCode).toBe(401);
    expect(expiredRes.json().code).toBe('TOKEN_EXPIRED');
    const foreign = await base().setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await me(`Bearer ${foreign}`)).statusCode).toBe(401);
    const hs512 = await base().setProtectedHeader({ alg: 'HS512' }).setIssuedAt().setExpirationTime('5m').sign(key);
    expect((await me(`Bearer ${hs512}`)).statusCode).toBe(401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${tamperedPayload}.`;
    expect((await me(`Bearer ${none}`)).statusCode).toBe(401);
    expect((await me(`Bearer ${user.token}`)).statusCode).toBe(200);

    // A token that worked (and is remembered as verified) still stops at its exp.
    const shortLived = await base().setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(key);
    expect((await me(`Bearer ${shortLived}`)).statusCode).toBe(200);
    expect((await me(`Bearer ${shortLived}`)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await me(`Bearer ${shortLived}`)).json().code).toBe('TOKEN_EXPIRED');
  });

  it('rotates refresh tokens and revokes the whole family when a spent one is reused', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } });
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refreshToken as string;
    expect(rotated).not.toBe(user.refreshToken);
    const reuse = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } });
    expect(reuse.statusCode).toBe(401);
    // The legitimate successor is revoked too: whoever holds the family must log in again.
    const successor = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: rotated } });
    expect(successor.statusCode).toBe(401);
    const events = await t.database.db.execute(sql`SELECT action FROM audit_events WHERE actor_id = ${user.id} ORDER BY id`);
    expect(events.rows.map((r) => r.action)).toContain('REFRESH_TOKEN_REUSE');
  });

  it('logs out by revoking the refresh token family', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: user.refreshToken } });
    expect(out.statusCode).toBe(204);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } });
    expect(res.statusCode).toBe(401);
  });

  it('ends sessions of a deactivated user at once', async () => {
    const admin = await createUser(t, 'ADMIN');
    const user = await createUser(t, 'ASISTENTE');
    const off = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${user.id}`, headers: admin.headers });
    expect(off.statusCode).toBe(200);
    expect(off.json().isActive).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } })).statusCode).toBe(401);
  });

  it('never writes passwords, tokens or hashes to the log', async () => {
    const user = await createUser(t, 'MEDICO', { password: 'Otra-Clave-Muy-Segura-77' });
    await login(t, user.email, 'Otra-Clave-Muy-Segura-77');
    await login(t, user.email, 'Clave-Equivocada-99');
    const text = t.logs.text;
    expect(text).not.toContain('Otra-Clave-Muy-Segura-77');
    expect(text).not.toContain('Clave-Equivocada-99');
    expect(text).not.toContain(DEFAULT_PASSWORD);
    expect(text).not.toContain(user.token);
    expect(text).not.toContain(user.refreshToken);
    expect(text).not.toMatch(/\$2[aby]\$\d\d\$/);
  });
});

describe('brute-force protection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '6', LOGIN_MAX_FAILURES: '3', RATE_LIMIT_LOGIN_PER_IP: '60' } });
  });
  afterAll(async () => t.close());

  it('answers 429 with Retry-After past the per-account limit', async () => {
    const user = await createUser(t, 'ASISTENTE');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(t, user.email, 'Incorrecta-12345', `10.0.0.${i + 1}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await login(t, user.email, 'Incorrecta-12345', '10.0.0.9');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMITED');
  });

  it('answers 429 past the per-IP limit, generous enough for a clinic behind one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 61; i++) codes.push((await login(t, `persona${i}@clinica.pe`, 'Incorrecta-12345', '192.0.2.50')).statusCode);
    expect(codes.slice(0, 60).every((c) => c === 401)).toBe(true);
    expect(codes[60]).toBe(429);
  });

  it('locks the account after repeated failures, tells only the rightful owner, and lets an ADMIN unlock it', async () => {
    const admin = await createUser(t, 'ADMIN');
    const user = await createUser(t, 'MEDICO');
    for (let i = 0; i < 3; i++) expect((await login(t, user.email, 'Incorrecta-12345', `10.1.0.${i}`)).statusCode).toBe(401);
    const wrongWhileLocked = await login(t, user.email, 'Incorrecta-12345', '10.1.0.8');
    expect(wrongWhileLocked.statusCode).toBe(401);
    const rightWhileLocked = await login(t, user.email, DEFAULT_PASSWORD, '10.1.0.9');
    expect(rightWhileLocked.statusCode).toBe(423);
    expect(rightWhileLocked.json().code).toBe('ACCOUNT_LOCKED');
    const stored = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: admin.headers });
    expect(stored.json().lockedUntil).not.toBeNull();
    const unlock = await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.id}/unlock`, headers: admin.headers });
    expect(unlock.statusCode).toBe(200);
    expect(unlock.json().lockedUntil).toBeNull();
    // The per-account window still counts; use a fresh app window by checking the audit instead.
    const actions = await t.database.db.execute(sql`SELECT action FROM audit_events WHERE entity_id = ${user.id} ORDER BY id`);
    expect(actions.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['LOGIN_FAILED', 'ACCOUNT_LOCKED', 'USER_UNLOCKED']));
  });
});

describe('password reset by e-mail', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const inbox: { to: string; raw: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    t = await buildTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  async function mailFor(email: string): Promise<string> {
    await t.app.ctx.services.auth.drain();
    const mail = inbox.filter((m) => m.to === email).at(-1);
    if (!mail) throw new Error(`no mail for ${email}`);
    const decoded = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const match = /restablecimiento:\s*\r?\n([A-Za-z0-9_-]{43})/.exec(decoded);
    if (!match) throw new Error('token not found in mail');
    return match[1]!;
  }

  const forgot = (email: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email } });
  const reset = (token: string, newPassword: string, confirm = newPassword) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/reset-password', payload: { token, new_password: newPassword, confirm_new_password: confirm } });

  it('sends a single-use token through SMTP and changes the password, ending old sessions', async () => {
    const user = await createUser(t, 'MEDICO');
    const res = await forgot(user.email);
    expect(res.statusCode).toBe(202);
    const token = await mailFor(user.email);
    expect((await reset(token, 'Nueva-Clave-2026!', 'Otra-Cosa-2026!')).json().errors[0].path).toBe('confirm_new_password');
    const weak = await reset(token, '1234567890');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('new_password');
    const ok = await reset(token, 'Nueva-Clave-2026!');
    expect(ok.statusCode).toBe(200);
    expect((await reset(token, 'Otra-Clave-2026!!')).json().code).toBe('INVALID_RESET_TOKEN');
    expect((await login(t, user.email, DEFAULT_PASSWORD)).statusCode).toBe(401);
    expect((await login(t, user.email, 'Nueva-Clave-2026!')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers })).statusCode).toBe(401);
  });

  it('answers the same for unknown e-mails and sends nothing', async () => {
    const before = inbox.length;
    const known = await createUser(t, 'ASISTENTE');
    const a = await forgot('no-existe@clinica.pe');
    const b = await forgot(known.email);
    expect(a.statusCode).toBe(202);
    expect(a.body).toBe(b.body);
    await t.app.ctx.services.auth.drain();
    expect(inbox.slice(before).map((m) => m.to)).toEqual([known.email]);
  });

  it('refuses an expired token and invalidates older tokens when a new one is requested', async () => {
    const user = await createUser(t, 'ASISTENTE');
    await forgot(user.email);
    const older = await mailFor(user.email);
    await forgot(user.email);
    const newer = await mailFor(user.email);
    expect((await reset(older, 'Nueva-Clave-2026!')).statusCode).toBe(400);
    await t.database.db.execute(sql`UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${user.id}`);
    expect((await reset(newer, 'Nueva-Clave-2026!')).json().code).toBe('INVALID_RESET_TOKEN');
  });
});

describe('password reset without SMTP', () => {
  it('writes the message as an .eml file to the outbox', async () => {
    const t = await buildTestApp();
    try {
      const user = await createUser(t, 'ASISTENTE');
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email: user.email } });
      await t.app.ctx.services.auth.drain();
      const outbox = join(t.dataDir, 'outbox');
      const files = readdirSync(outbox);
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(outbox, files[0]!), 'utf8');
      expect(eml).toContain(`To: ${user.email}`);
      expect(eml).toMatch(/Subject: /);
    } finally {
      await t.close();
    }
  });
});
