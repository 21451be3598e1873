import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../shared/errors.js';
import { isDatabaseUnavailable } from '../../shared/http/problem.js';
import type { Resource } from './fhir.mappers.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const ISSUE_CODE: Record<number, string> = { 400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 410: 'deleted', 412: 'conflict', 413: 'too-long', 415: 'not-supported', 422: 'processing', 429: 'throttled', 503: 'transient' };

export function operationOutcome(status: number, text: string, code?: string, expressions: { path: string; message: string }[] = []): Resource {
  const severity = status >= 500 ? 'fatal' : 'error';
  const issueCode = ISSUE_CODE[status] ?? (status >= 500 ? 'exception' : 'invalid');
  return {
    resourceType: 'OperationOutcome', id: (code ?? 'error').toLowerCase().replaceAll('_', '-'),
    issue: expressions.length
      ? expressions.map((e) => ({ severity, code: issueCode, diagnostics: `${e.path}: ${e.message}`, expression: [e.path] }))
      : [{ severity, code: issueCode, diagnostics: text, ...(code ? { details: { text: code } } : {}) }],
  };
}

/** FHIR clients expect OperationOutcome, not problem+json, for every error under /fhir/r4. */
export function fhirErrorHandler(error: Error & { statusCode?: number; code?: string }, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.headers) void reply.headers(error.headers);
    if (error.status >= 500) request.log.error({ err: error }, 'fhir request failed');
    return reply.code(error.status).type(FHIR_JSON).send(operationOutcome(error.status, error.detail ?? error.title, error.code, error.errors));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({ path: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'query', message: v.message ?? 'inválido' }));
    return reply.code(400).type(FHIR_JSON).send(operationOutcome(400, 'Parámetros inválidos', 'VALIDATION_ERROR', issues));
  }
  if (isDatabaseUnavailable(error)) {
    return reply.code(503).header('retry-after', '5').type(FHIR_JSON).send(operationOutcome(503, 'La base de datos no está disponible.', 'DB_UNAVAILABLE'));
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'fhir unhandled error');
  return reply.code(status).type(FHIR_JSON).send(operationOutcome(status, status === 500 ? 'Error interno' : 'Solicitud inválida', status === 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'));
}

export function searchBundle(baseUrl: string, type: string, resources: Resource[], total: number, query: Record<string, string | undefined>, count: number, offset: number): Resource {
  const url = (o: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== '_offset' && k !== '_count') params.set(k, v);
    params.set('_count', String(count));
    params.set('_offset', String(o));
    return `${baseUrl}/${type}?${params.toString()}`;
  };
  const link = [{ relation: 'self', url: url(offset) }];
  if (offset + count < total) link.push({ relation: 'next', url: url(offset + count) });
  if (offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  return {
    resourceType: 'Bundle', id: `search-${Date.now().toString(36)}`, type: 'searchset', total, link,
    entry: resources.map((r) => ({ fullUrl: `${baseUrl}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' } })),
  };
}
