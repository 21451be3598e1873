/**
 * One error family travels from services to the client. `code` is a stable English
 * identifier; `title`/`detail` are Spanish text for clinic staff.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'Uno o más campos no son válidos.') {
    super(400, 'VALIDATION_ERROR', 'Datos inválidos', detail, errors);
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, detail: string) {
    super(404, code, 'No encontrado', detail);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string, extra?: Record<string, unknown>, errors?: FieldError[]) {
    super(409, code, 'Conflicto', detail, errors, extra);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, detail: string, errors?: FieldError[], extra?: Record<string, unknown>) {
    super(422, code, 'No se puede procesar', detail, errors, extra);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'UNAUTHORIZED', detail = 'Se requiere autenticación válida.') {
    super(401, code, 'No autenticado', detail, undefined, undefined, { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'FORBIDDEN', detail = 'No tiene permiso para realizar esta acción.') {
    super(403, code, 'Acceso denegado', detail);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(detail: string) {
    super(412, 'PRECONDITION_FAILED', 'Precondición fallida', detail);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code: string, detail: string, retryAfterSeconds?: number) {
    super(503, code, 'Servicio no disponible', detail, undefined, undefined,
      retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : undefined);
  }
}
