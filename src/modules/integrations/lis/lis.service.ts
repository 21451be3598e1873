import type { AuditActor } from '../../audit/audit.service.js';
import type { PatientRow } from '../../patients/patients.mapper.js';
import { integrationErrors } from '../http/integration-errors.js';
import { LastGoodCache } from '../http/last-good-cache.js';
import { safeExternalUrl } from '../http/normalize.js';
import {
  audited, cacheKey, createSystemClient, patientIdentifier, sourceName, withLastGood,
  type CachedAnswer, type IntegrationServiceDeps, type ProxyAnswer,
} from '../http/proxy-support.js';
import type { ResilientClient, UpstreamDocument } from '../http/resilient-client.js';
import { LisFhirAdapter } from './lis.fhir-adapter.js';
import { LisRestAdapter } from './lis.rest-adapter.js';
import type { LisAdapter, LisResult, OrderResolver, UpstreamResult } from './lis.types.js';

/**
 * RF7.3: the patient's laboratory results from the clinic's LIS, normalized, resilient (see
 * ResilientClient) and with the last good answer served stale when the LIS is down. Report
 * links on the LIS's own origin become authenticated HCE links that relay the file.
 */
export class LisService {
  readonly client: ResilientClient;
  private readonly adapter: LisAdapter;
  private readonly cache: LastGoodCache<CachedAnswer<UpstreamResult>>;
  private orderResolver: OrderResolver | undefined;

  constructor(private readonly deps: IntegrationServiceDeps) {
    const { config, logger, telemetry } = deps;
    this.client = createSystemClient('lis', config, logger, telemetry);
    this.adapter = config.LIS_MODE === 'fhir'
      ? new LisFhirAdapter(this.client, config.LIS_FHIR_IDENTIFIER_SYSTEM)
      : new LisRestAdapter(this.client, config.LIS_FIELD_MAP);
    this.cache = new LastGoodCache(config.INTEGRATION_CACHE_TTL_MS, 5000);
  }

  /** The orders module links LIS order numbers to HCE orders (order_id) through this hook. */
  setOrderResolver(resolver: OrderResolver): void {
    this.orderResolver = resolver;
  }

  /** For the patient summary too: `{ data, source, fetchedAt, stale }`, or an IntegrationError. */
  async results(row: PatientRow): Promise<ProxyAnswer<LisResult>> {
    const identifier = this.identifierOf(row);
    const answer = await withLastGood(this.cache, cacheKey(row.id, identifier), sourceName('lis', this.adapter.mode),
      () => this.adapter.listResults(identifier));
    const orders = await this.resolveOrders(row.id, answer.rows);
    return {
      data: answer.rows.map((result) => this.present(row.id, result, orders)),
      source: answer.source,
      fetchedAt: answer.fetchedAt,
      stale: answer.stale,
      ...(answer.staleReason ? { staleReason: answer.staleReason } : {}),
    };
  }

  /** GET /integracion/lis/results: the patient's results, audited. */
  async listForPatient(actor: AuditActor, patientId: string): Promise<ProxyAnswer<LisResult>> {
    const row = await this.deps.patients.require(this.deps.db, patientId);
    return audited(this.deps.audit, this.deps.logger, actor, { action: 'LIS_RESULTS_VIEWED', patientId },
      () => this.results(row), (answer) => ({ count: answer.data.length, source: answer.source, stale: answer.stale }));
  }

  /** The report file of one of the patient's results, fetched from the LIS and relayed. */
  async resultReport(actor: AuditActor, patientId: string, resultId: string): Promise<UpstreamDocument> {
    const row = await this.deps.patients.require(this.deps.db, patientId);
    return audited(this.deps.audit, this.deps.logger, actor, { action: 'LIS_REPORT_VIEWED', patientId, details: { resultId } }, async () => {
      // The patient's own list is the proof that the result (and its link) is theirs.
      const result = (await this.adapter.listResults(this.identifierOf(row))).find((r) => r.resultId === resultId);
      if (!result) throw integrationErrors.notFound('lis', 'RESULT_NOT_FOUND', 'El LIS no tiene ese resultado para este paciente.');
      const url = result.reportSource === null ? null : this.client.resolveOwnUrl(result.reportSource);
      if (!url) throw integrationErrors.notFound('lis', 'DOCUMENT_NOT_AVAILABLE', 'El resultado no tiene un informe que el HCE pueda mostrar.');
      return this.client.getDocument('lis.report', url, 'application/pdf, text/plain;q=0.8, image/jpeg;q=0.5, image/png;q=0.5');
    }, (doc) => ({ contentType: doc.contentType, bytes: doc.body.length }));
  }

  private identifierOf(row: PatientRow): string {
    this.client.assertConfigured(); // 503 before any patient-specific answer
    return patientIdentifier('lis', this.deps.patients.toDto(row), this.deps.config.LIS_PATIENT_ID);
  }

  /** A broken resolver costs the links, never the results. */
  private async resolveOrders(patientId: string, rows: UpstreamResult[]): Promise<Map<string, string>> {
    const numbers = [...new Set(rows.map((r) => r.orderNumber).filter((n): n is string => n !== null))];
    if (!this.orderResolver || numbers.length === 0) return new Map();
    try {
      return await this.orderResolver(patientId, numbers);
    } catch (error) {
      this.deps.logger.warn({ err: error, system: 'lis' }, 'order resolver failed; results shown without order links');
      return new Map();
    }
  }

  private present(patientId: string, result: UpstreamResult, orders: Map<string, string>): LisResult {
    const { reportSource, ...rest } = result;
    let reportUrl: string | null = null;
    if (reportSource !== null) {
      reportUrl = this.client.resolveOwnUrl(reportSource)
        ? `/api/v1/integracion/lis/results/${encodeURIComponent(result.resultId)}/report?patient_id=${patientId}`
        : safeExternalUrl(reportSource);
    }
    return { ...rest, reportUrl, order_id: result.orderNumber ? orders.get(result.orderNumber) ?? null : null };
  }
}
