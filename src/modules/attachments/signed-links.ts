import type { Keyring } from '../../shared/crypto/keyring.js';

/**
 * Links a browser can open without headers (`<img src>`, a PDF viewer): the attachment id,
 * the user who asked for the link and an expiry, signed with the keyring's signed-links
 * subkey. The user is checked again on use, so deactivating someone voids their links.
 */
export const contentPath = (id: string) => `/api/v1/attachments/${id}/content`;

export interface SignedLink {
  url: string;
  expiresAt: Date;
}

const message = (id: string, uid: string, exp: string) => `${id}.${uid}.${exp}`;

export function signLink(keyring: Keyring, id: string, uid: string, ttlSeconds: number, now = Date.now()): SignedLink {
  const exp = String(Math.floor(now / 1000) + ttlSeconds);
  const sig = keyring.sign(message(id, uid, exp));
  const query = new URLSearchParams({ exp, uid, sig });
  return { url: `/api/v1/attachments/${id}/signed-content?${query.toString()}`, expiresAt: new Date(Number(exp) * 1000) };
}

export type LinkCheck = { ok: true; uid: string } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export function verifyLink(keyring: Keyring, id: string, query: { exp?: string | undefined; uid?: string | undefined; sig?: string | undefined }, now = Date.now()): LinkCheck {
  const { exp, uid, sig } = query;
  if (!exp || !uid || !sig || !/^\d{1,12}$/.test(exp) || uid.length > 64 || sig.length > 128) return { ok: false, reason: 'malformed' };
  // The signature first: an edited expiry is a forgery, not an expired link.
  if (!keyring.verifySignature(message(id, uid, exp), sig)) return { ok: false, reason: 'signature' };
  if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, uid };
}
