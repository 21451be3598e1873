import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { BodyTooLargeError, readCappedBody } from './capped-body.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { IntegrationError, UnexpectedShapeError, integrationErrors, type IntegrationSystem } from './integration-errors.js';

/** Where call outcomes go besides the log (Prometheus in the app; nothing in unit tests). */
export interface IntegrationTelemetry {
  observe(system: IntegrationSystem, outcome: string, seconds: number): void;
  error(system: IntegrationSystem, code: string): void;
}

export const noTelemetry: IntegrationTelemetry = { observe: () => undefined, error: () => undefined };

export interface ResilientClientOptions {
  system: IntegrationSystem;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  authHeader: string;
  timeoutMs: number;
  maxBytes: number;
  breaker: CircuitBreaker;
  logger: Logger;
  telemetry: IntegrationTelemetry;
}

export interface UpstreamDocument {
  contentType: string;
  body: Buffer;
}

/** Only these are relayed to the browser: no HTML or SVG from another system on our origin. */
export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'] as const;

const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

class UpstreamStatusError extends Error {
  constructor(readonly status: number) {
    super(`upstream status ${status}`);
  }
}

class UpstreamIoError extends Error {}

/** Statuses that say the system itself is broken or refuses us, not that this one request was odd. */
function statusTripsBreaker(status: number): boolean {
  return status < 400 || status >= 500 || [401, 403, 407, 408, 429].includes(status);
}

/**
 * The one way the HCE talks to PACS and LIS: a timeout on the whole call (headers and body),
 * a byte cap, a circuit breaker, upstream authentication, and for every call one log line
 * and one metric. Every failure leaves as an IntegrationError with a stable code, never as
 * a raw exception, so a broken external system can never produce a 500.
 */
export class ResilientClient {
  constructor(private readonly options: ResilientClientOptions) {}

  get system(): IntegrationSystem {
    return this.options.system;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** The configured base URL without a trailing slash; unset means "not configured" (503). */
  get baseUrl(): string {
    if (!this.options.baseUrl) throw integrationErrors.notConfigured(this.options.system);
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** Throws PACS_NOT_CONFIGURED / LIS_NOT_CONFIGURED (503) when the base URL is unset. */
  assertConfigured(): void {
    if (!this.options.baseUrl) throw integrationErrors.notConfigured(this.options.system);
  }

  /**
   * A link the system gave us, resolved against its base. Only URLs on the system's own
   * origin are ever fetched by the HCE (with its key): anything else could point the server
   * at internal hosts or hand the key to a stranger.
   */
  resolveOwnUrl(raw: string): URL | null {
    try {
      const base = new URL(`${this.baseUrl}/`);
      const url = new URL(raw, base);
      return url.origin === base.origin ? url : null;
    } catch {
      return null;
    }
  }

  async getJson<T>(operation: string, url: URL, accept: string, parse: (body: unknown) => T): Promise<T> {
    return this.call(operation, url, accept, async (response) => {
      if (response.status === 204) return parse(undefined);
      const contentType = response.headers.get('content-type') ?? '';
      if (!JSON_CONTENT_TYPE.test(contentType)) {
        await response.body?.cancel().catch(() => undefined);
        throw new UnexpectedShapeError('tipo de contenido inesperado');
      }
      const body = await this.readBody(response);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new UnexpectedShapeError('JSON mal formado');
      }
      return parse(json);
    });
  }

  async getDocument(operation: string, url: URL, accept: string): Promise<UpstreamDocument> {
    return this.call(operation, url, accept, async (response) => {
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(DOCUMENT_TYPES as readonly string[]).includes(contentType)) {
        await response.body?.cancel().catch(() => undefined);
        throw new UnexpectedShapeError('tipo de documento no permitido');
      }
      return { contentType, body: await this.readBody(response) };
    }, true);
  }

  private async readBody(response: Response): Promise<Buffer> {
    try {
      return await readCappedBody(response, this.options.maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      throw new UpstreamIoError('body read failed', { cause: error });
    }
  }

  private headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { accept, 'user-agent': 'HCE-backend' };
    const { apiKey, authHeader } = this.options;
    if (apiKey) headers[authHeader.toLowerCase()] = authHeader.toLowerCase() === 'authorization' ? `Bearer ${apiKey}` : apiKey;
    return headers;
  }

  private async call<T>(operation: string, url: URL, accept: string, handle: (response: Response) => Promise<T>, notFoundIsAnswer = false): Promise<T> {
    const { system, breaker, timeoutMs } = this.options;
    if (!this.options.baseUrl) throw integrationErrors.notConfigured(system);
    const permit = breaker.acquire();
    if (!permit.allowed) {
      const error = integrationErrors.circuitOpen(system, permit.retryAfterMs);
      this.finish(operation, 'circuit_open', 0, undefined, error);
      throw error;
    }
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number | undefined;
    try {
      let response: Response;
      try {
        // Redirects are not followed: the key must never travel to a host we did not configure.
        response = await fetch(url, { headers: this.headers(accept), signal, redirect: 'manual' });
      } catch (error) {
        throw new UpstreamIoError('connection failed', { cause: error });
      }
      status = response.status;
      if (notFoundIsAnswer && status === 404) {
        await response.body?.cancel().catch(() => undefined);
        throw integrationErrors.notFound(system, 'DOCUMENT_NOT_AVAILABLE', 'El documento ya no está disponible en el sistema de origen.');
      }
      if (status < 200 || status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new UpstreamStatusError(status);
      }
      const result = await handle(response);
      breaker.success(permit);
      this.finish(operation, 'ok', started, status);
      return result;
    } catch (error) {
      const { failure, outcome, trips } = this.classify(error, signal);
      if (trips) breaker.failure(permit);
      else breaker.success(permit);
      this.finish(operation, outcome, started, status, failure, error);
      throw failure;
    }
  }

  private classify(error: unknown, signal: AbortSignal): { failure: IntegrationError; outcome: string; trips: boolean } {
    const { system, timeoutMs, maxBytes } = this.options;
    if (error instanceof IntegrationError) return { failure: error, outcome: 'not_found', trips: false };
    if (signal.aborted) return { failure: integrationErrors.timeout(system, timeoutMs), outcome: 'timeout', trips: true };
    if (error instanceof UpstreamStatusError) {
      return { failure: integrationErrors.unavailable(system, error.status), outcome: 'http_error', trips: statusTripsBreaker(error.status) };
    }
    if (error instanceof UpstreamIoError) return { failure: integrationErrors.unavailable(system), outcome: 'unavailable', trips: true };
    if (error instanceof BodyTooLargeError) {
      return { failure: integrationErrors.invalidResponse(system, `respuesta mayor a ${maxBytes} bytes`), outcome: 'invalid_response', trips: true };
    }
    // Shape errors, and anything a mapper throws on data it did not expect.
    const reason = error instanceof UnexpectedShapeError ? error.reason : 'estructura inesperada';
    return { failure: integrationErrors.invalidResponse(system, reason), outcome: 'invalid_response', trips: true };
  }

  /** One log line and one metric per call; never the URL (it carries the patient's identifier). */
  private finish(operation: string, outcome: string, started: number, status: number | undefined, failure?: IntegrationError, cause?: unknown): void {
    const { system, logger, telemetry } = this.options;
    const latencyMs = started ? Math.round((performance.now() - started) * 10) / 10 : 0;
    telemetry.observe(system, outcome, latencyMs / 1000);
    if (failure) telemetry.error(system, failure.code);
    const line: Record<string, unknown> = { system, operation, outcome, latencyMs, status, circuit: this.options.breaker.state };
    if (failure) line.code = failure.code;
    if (outcome === 'invalid_response' && cause instanceof Error && !(cause instanceof UnexpectedShapeError)) line.causeName = cause.name;
    if (failure && failure.status >= 500) logger.warn(line, 'integration call failed');
    else logger.info(line, 'integration call');
  }
}
