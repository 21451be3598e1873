import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { RoleName } from './auth.types.js';

const ISSUER = 'hce-api';
const AUDIENCE = 'hce-api';

export interface AccessClaims {
  sub: string;
  role: RoleName;
  email: string;
  iat: number;
  /** The user's passwordChangedAt (ms) when the token was issued: a password change voids it. */
  pcv: number;
}

export class TokenService {
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(secret: string, private readonly accessTtlSeconds: number) {
    // Imported once: given raw bytes, jose would import the key again on every verification.
    this.key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async signAccess(user: { id: string; role: RoleName; email: string; passwordChangedAt: Date }): Promise<string> {
    return new SignJWT({ role: user.role, email: user.email, typ: 'access', pcv: user.passwordChangedAt.getTime() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomBytes(12).toString('base64url'))
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(await this.key);
  }

  /** Only HS256 with our key, issuer and audience is accepted (no `alg: none`, no RS/HS confusion). */
  async verifyAccess(token: string): Promise<AccessClaims | { error: 'expired' | 'invalid' }> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== 'access' || typeof payload.role !== 'string' || typeof payload.email !== 'string' || typeof payload.pcv !== 'number') {
        return { error: 'invalid' };
      }
      return { sub: payload.sub!, role: payload.role as RoleName, email: payload.email, iat: payload.iat!, pcv: payload.pcv };
    } catch (error) {
      return { error: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  get accessTtl(): number {
    return this.accessTtlSeconds;
  }
}

/** 256-bit opaque token, URL-safe. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
