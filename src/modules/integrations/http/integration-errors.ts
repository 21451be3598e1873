import { AppError } from '../../../shared/errors.js';

/** The external systems the HCE reads from; the label prefixes every error code. */
export type IntegrationSystem = 'pacs' | 'lis';

export const SYSTEM_LABEL: Record<IntegrationSystem, 'PACS' | 'LIS'> = { pacs: 'PACS', lis: 'LIS' };

const SYSTEM_NAME: Record<IntegrationSystem, string> = {
  pacs: 'el sistema de imágenes (PACS)',
  lis: 'el sistema de laboratorio (LIS)',
};

/** Failures of the external system itself: these may be answered from the last-good cache. */
export type UpstreamFailureKind = 'TIMEOUT' | 'UNAVAILABLE' | 'INVALID_RESPONSE' | 'CIRCUIT_OPEN';

export type NotFoundKind = 'STUDY_NOT_FOUND' | 'RESULT_NOT_FOUND' | 'DOCUMENT_NOT_AVAILABLE';

export class IntegrationError extends AppError {
  constructor(
    readonly system: IntegrationSystem,
    readonly kind: UpstreamFailureKind | 'NOT_CONFIGURED' | 'PATIENT_ID_MISSING' | NotFoundKind,
    status: number,
    title: string,
    detail: string,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(status, `${SYSTEM_LABEL[system]}_${kind}`, title, detail, undefined, { system: SYSTEM_LABEL[system], ...extra }, headers);
  }

  get isUpstreamFailure(): boolean {
    return ['TIMEOUT', 'UNAVAILABLE', 'INVALID_RESPONSE', 'CIRCUIT_OPEN'].includes(this.kind);
  }
}

/** Raised by adapters when an answer parses but is not what the contract promises. */
export class UnexpectedShapeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnexpectedShapeError';
  }
}

export const integrationErrors = {
  timeout: (system: IntegrationSystem, timeoutMs: number) =>
    new IntegrationError(system, 'TIMEOUT', 504, 'Sistema externo sin respuesta',
      `${capitalize(SYSTEM_NAME[system])} no respondió dentro de ${timeoutMs} ms. Intente nuevamente en unos momentos.`),

  unavailable: (system: IntegrationSystem, upstreamStatus?: number) =>
    new IntegrationError(system, 'UNAVAILABLE', 502, 'Sistema externo no disponible',
      upstreamStatus
        ? `${capitalize(SYSTEM_NAME[system])} respondió con un error (HTTP ${upstreamStatus}).`
        : `No se pudo conectar con ${SYSTEM_NAME[system]}.`,
      upstreamStatus ? { upstreamStatus } : undefined),

  invalidResponse: (system: IntegrationSystem, reason: string) =>
    new IntegrationError(system, 'INVALID_RESPONSE', 502, 'Respuesta inválida del sistema externo',
      `${capitalize(SYSTEM_NAME[system])} devolvió una respuesta que no se puede interpretar (${reason}).`),

  circuitOpen: (system: IntegrationSystem, retryAfterMs: number) => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new IntegrationError(system, 'CIRCUIT_OPEN', 503, 'Sistema externo temporalmente suspendido',
      `${capitalize(SYSTEM_NAME[system])} falló varias veces seguidas; se reintentará en ${seconds} s.`,
      { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  },

  notConfigured: (system: IntegrationSystem) =>
    new IntegrationError(system, 'NOT_CONFIGURED', 503, 'Integración no configurada',
      `La conexión con ${SYSTEM_NAME[system]} no está configurada (${SYSTEM_LABEL[system]}_BASE_URL).`),

  patientIdMissing: (system: IntegrationSystem, field: string) =>
    new IntegrationError(system, 'PATIENT_ID_MISSING', 422, 'Paciente sin identificador externo',
      `El paciente no tiene ${field}, que es el identificador con el que ${SYSTEM_NAME[system]} lo conoce.`, { field }),

  notFound: (system: IntegrationSystem, kind: NotFoundKind, detail: string) =>
    new IntegrationError(system, kind, 404, 'No encontrado', detail),
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
