import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Front ends query the catalogs on every keystroke. Successful GETs carry a weak ETag (a hash
 * of the body exactly as sent) and may be reused for five minutes by the user's own browser
 * only (`private`: responses sit behind authentication). A matching If-None-Match gets 304.
 */
export const CATALOG_CACHE_CONTROL = 'private, max-age=300';

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

export async function catalogCacheHook(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (request.method !== 'GET' || reply.statusCode !== 200) return payload;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  const etag = `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
  void reply.header('etag', etag);
  void reply.header('cache-control', CATALOG_CACHE_CONTROL);
  if (etagMatches(request.headers['if-none-match'], etag)) {
    void reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    return null;
  }
  return payload;
}
