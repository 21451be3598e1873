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

/** How many verified access tokens are remembered (one per active session is plenty). */
const VERIFIED_CACHE_SIZE = 5000;

export class TokenService {
  private readonly key: Promise<webcrypto.CryptoKey>;
  /**
   * Access tokens already verified, by their full text (signature included, so only the
   * exact token that passed maps to its claims), until their exp. A client sends the same
   * token on every request; WebCrypto's HMAC check costs more than the rest of the
   * authentication. Revocation is unaffected: the user's state is checked on every request.
   */
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

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
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known.claims;
      this.verified.delete(token);
      return { error: 'expired' };
    }
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
      const claims: AccessClaims = { sub: payload.sub!, role: payload.role as RoleName, email: payload.email, iat: payload.iat!, pcv: payload.pcv };
      // Oldest first out (a Map keeps insertion order).
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAtMs: payload.exp! * 1000 });
      return claims;
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
