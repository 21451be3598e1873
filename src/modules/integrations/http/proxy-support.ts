import type { Logger } from 'pino';
import type { AppConfig } from '../../../config/env.js';
import type { Db } from '../../../db/client.js';
import type { Metrics } from '../../../plugins/metrics.js';
import { AppError } from '../../../shared/errors.js';
import type { AuditActor, AuditService } from '../../audit/audit.service.js';
import type { PatientDto } from '../../patients/patients.schemas.js';
import type { PatientsService } from '../../patients/patients.service.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { IntegrationError, integrationErrors, SYSTEM_LABEL, type IntegrationSystem } from './integration-errors.js';
import type { PatientIdField } from './integration-env.js';
import type { LastGoodCache } from './last-good-cache.js';
import { noTelemetry, ResilientClient, type IntegrationTelemetry } from './resilient-client.js';

/** What both proxies answer (and what the patient summary embeds per section). */
export interface ProxyAnswer<T> {
  data: T[];
  /** Which system and dialect answered, e.g. `pacs:dicomweb`. */
  source: string;
  /** When the external system gave this answer (earlier than now when stale). */
  fetchedAt: string;
  /** true: the system failed just now and this is its last good answer. */
  stale: boolean;
  /** With stale: the code of the failure that made us fall back (e.g. PACS_TIMEOUT). */
  staleReason?: string;
}

/** What PacsService and LisService are built from (see container.ts). */
export interface IntegrationServiceDeps {
  db: Db;
  config: AppConfig;
  logger: Logger;
  audit: AuditService;
  patients: PatientsService;
  telemetry: IntegrationTelemetry;
}

export type CachedAnswer<U> = { rows: U[]; source: string };

export function metricsTelemetry(metrics: Pick<Metrics, 'integrationDuration' | 'integrationErrors'> | undefined): IntegrationTelemetry {
  if (!metrics) return noTelemetry;
  return {
    observe: (system, outcome, seconds) => metrics.integrationDuration.observe({ system, outcome }, seconds),
    error: (system, code) => metrics.integrationErrors.inc({ system, code }),
  };
}

/** The resilient client of one system, from its PACS_* or LIS_* settings. */
export function createSystemClient(system: IntegrationSystem, config: AppConfig, logger: Logger, telemetry: IntegrationTelemetry): ResilientClient {
  const pacs = system === 'pacs';
  const breaker = new CircuitBreaker(config.INTEGRATION_CIRCUIT_FAILURES, config.INTEGRATION_CIRCUIT_COOLDOWN_MS, Date.now, (state) => {
    logger[state === 'open' ? 'warn' : 'info']({ system, circuit: state }, `integration circuit ${state}`);
  });
  return new ResilientClient({
    system,
    baseUrl: pacs ? config.PACS_BASE_URL : config.LIS_BASE_URL,
    apiKey: pacs ? config.PACS_API_KEY : config.LIS_API_KEY,
    authHeader: pacs ? config.PACS_AUTH_HEADER : config.LIS_AUTH_HEADER,
    timeoutMs: pacs ? config.PACS_TIMEOUT_MS : config.LIS_TIMEOUT_MS,
    maxBytes: config.INTEGRATION_MAX_RESPONSE_BYTES,
    breaker,
    logger,
    telemetry,
  });
}

const FIELD_NAMES: Record<PatientIdField, string> = {
  numeroDocumento: 'número de documento',
  codigoExternoPaciente: 'código externo de paciente',
  numeroHistoriaClinica: 'número de historia clínica',
};

/**
 * The identifier the external system knows the patient by: the per-patient override
 * (pacsPatientId / lisPatientId) when set, else the configured field.
 */
export function patientIdentifier(system: IntegrationSystem, dto: PatientDto, field: PatientIdField): string {
  const override = system === 'pacs' ? dto.pacsPatientId : dto.lisPatientId;
  const value = (override ?? dto[field] ?? '').trim();
  if (!value) throw integrationErrors.patientIdMissing(system, FIELD_NAMES[field]);
  return value;
}

/** In-memory key of a patient's last good answer; the identifier is part of it so a changed one refetches. */
export function cacheKey(patientId: string, identifier: string): string {
  return `${patientId}\u0000${identifier}`;
}

/**
 * Calls the system; on success remembers the answer, on a failure of the system (timeout,
 * refused, garbage, open circuit) answers the last good one with stale: true, else rethrows.
 */
export async function withLastGood<U>(
  cache: LastGoodCache<CachedAnswer<U>>,
  key: string,
  source: string,
  load: () => Promise<U[]>,
): Promise<{ rows: U[]; source: string; fetchedAt: string; stale: boolean; staleReason?: string }> {
  try {
    const rows = await load();
    const entry = cache.set(key, { rows, source });
    return { rows, source, fetchedAt: new Date(entry.storedAt).toISOString(), stale: false };
  } catch (error) {
    if (!(error instanceof IntegrationError) || !error.isUpstreamFailure) throw error;
    const cached = cache.get(key);
    if (!cached) throw error;
    return { rows: cached.value.rows, source: cached.value.source, fetchedAt: new Date(cached.storedAt).toISOString(), stale: true, staleReason: error.code };
  }
}

/** `pacs:dicomweb`, `lis:fhir`, … */
export function sourceName(system: IntegrationSystem, mode: string): string {
  return `${SYSTEM_LABEL[system].toLowerCase()}:${mode}`;
}

/**
 * Runs a proxy read for one patient and audits it either way (who looked at which patient's
 * external results, and whether the system answered). A failed audit write never hides the
 * original failure from the caller.
 */
export async function audited<T>(
  audit: AuditService,
  logger: Logger,
  actor: AuditActor,
  event: { action: string; patientId: string; details?: Record<string, unknown> },
  work: () => Promise<T>,
  successDetails: (result: T) => Record<string, unknown>,
): Promise<T> {
  const base = { action: event.action, entity: 'patient', entityId: event.patientId, patientId: event.patientId };
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
    await audit.recordRead(actor, { ...base, outcome: 'FAILURE', details: { ...event.details, code } })
      .catch((auditError: unknown) => logger.error({ err: auditError, action: event.action }, 'audit write failed'));
    throw error;
  }
  await audit.recordRead(actor, { ...base, details: { ...event.details, ...successDetails(result) } });
  return result;
}
