import type { FastifyReply } from 'fastify';
import type { UpstreamDocument } from './resilient-client.js';

/**
 * Relays a document from PACS or LIS: allow-listed type only (checked by the client), shown
 * inline, never cached by the browser or a proxy (it is a patient's record), and never
 * sniffed into something executable.
 */
export function sendUpstreamDocument(reply: FastifyReply, doc: UpstreamDocument): FastifyReply {
  const type = doc.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : doc.contentType;
  return reply
    .type(type)
    .header('content-disposition', 'inline')
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(doc.body);
}
