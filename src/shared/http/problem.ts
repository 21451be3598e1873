import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const problemTypeBase = 'https://hce.local/problems/';

export function problemFromAppError(error: AppError, request: FastifyRequest): Problem {
  return {
    type: problemTypeBase + error.code.toLowerCase().replaceAll('_', '-'),
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    code: error.code,
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.extra ?? {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  if (error.headers) void reply.headers(error.headers);
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(problemFromAppError(error, request));
}

interface ValidationIssueLike {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldErrors(issues: ValidationIssueLike[], context: string | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params?.keys)) {
      for (const key of issue.params.keys as string[]) {
        out.push({ path: base ? `${base}.${key}` : key, message: 'Campo no permitido' });
      }
      continue;
    }
    out.push({ path: base || context || '(raíz)', message: issue.message ?? 'Valor inválido' });
  }
  return out;
}

const contextNames: Record<string, string> = {
  body: 'el cuerpo',
  querystring: 'los parámetros de consulta',
  params: 'la ruta',
  headers: 'las cabeceras',
};

/** PostgreSQL/driver failures that mean "the database is not reachable right now". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error) return false;
  const cause = (error as { cause?: unknown }).cause;
  if (cause && cause !== error && isDatabaseUnavailable(cause)) return true;
  const e = error as { code?: string; message?: string };
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  if (code.startsWith('08')) return true;
  const message = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|database closed|PGlite is closed|Client has encountered a connection error/i.test(message);
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void sendProblem(reply, request, new AppError(404, 'ROUTE_NOT_FOUND', 'Recurso no encontrado',
      `No existe la ruta ${request.method} ${request.url.split('?')[0]}.`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, request, error);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = (error as { validationContext?: string }).validationContext;
      return sendProblem(reply, request, new AppError(400, 'VALIDATION_ERROR', 'Datos inválidos',
        `Uno o más campos de ${contextNames[context ?? 'body'] ?? 'la solicitud'} no son válidos.`,
        fieldErrors(error.validation, context)));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: { message: 'response did not match its schema', issues: error.cause.issues.map((i) => i.path.join('.')) } }, 'response serialization failed');
      return sendProblem(reply, request, new AppError(500, 'INTERNAL_ERROR', 'Error interno', 'Ocurrió un error interno. Use el requestId para reportarlo.'));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: { message: error.message, code: error.code } }, 'database unavailable');
      return sendProblem(reply, request, new AppError(503, 'DB_UNAVAILABLE', 'Servicio no disponible',
        'La base de datos no está disponible en este momento. Intente nuevamente en unos segundos.',
        undefined, undefined, { 'retry-after': '5' }));
    }
    const status = error.statusCode ?? 500;
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, new AppError(413, 'PAYLOAD_TOO_LARGE', 'Contenido demasiado grande',
          'El cuerpo de la solicitud supera el tamaño máximo permitido.'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
          return sendProblem(reply, request, new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Tipo de contenido no soportado',
            `El tipo de contenido '${String(request.headers['content-type'] ?? '').slice(0, 80)}' no es aceptado en esta ruta; use application/json.`));
        }
        break;
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, request, new AppError(400, 'INVALID_BODY', 'Cuerpo inválido', 'El cuerpo JSON está vacío.'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, request, new AppError(400, 'INVALID_JSON', 'JSON inválido', 'El cuerpo no es un JSON válido.'));
      default:
        break;
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendProblem(reply, request, new AppError(400, 'INVALID_JSON', 'JSON inválido', 'El cuerpo no es un JSON válido.'));
    }
    if (status >= 400 && status < 500) {
      // Other client errors raised by Fastify or its plugins (e.g. prototype poisoning,
      // malformed multipart): keep the status, never leak internals.
      return sendProblem(reply, request, new AppError(status, error.code ? 'BAD_REQUEST' : 'CLIENT_ERROR',
        'Solicitud inválida', 'La solicitud no es válida.'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, new AppError(500, 'INTERNAL_ERROR', 'Error interno',
      'Ocurrió un error interno. Use el requestId para reportarlo.'));
  });
}
