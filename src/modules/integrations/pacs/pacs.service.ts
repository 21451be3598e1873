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
import { PacsDicomwebAdapter } from './pacs.dicomweb-adapter.js';
import { PacsRestAdapter } from './pacs.rest-adapter.js';
import type { PacsAdapter, PacsStudy, UpstreamStudy } from './pacs.types.js';

export type StudyDocumentKind = 'report' | 'thumbnail';

const DOCUMENT_ACCEPT: Record<StudyDocumentKind, string> = {
  report: 'application/pdf, text/plain;q=0.8, image/jpeg;q=0.5, image/png;q=0.5',
  // One type only: Orthanc's DICOMweb plugin answers 400 to a list of media types on /rendered.
  thumbnail: 'image/jpeg',
};

/**
 * RF7.2: the patient's imaging studies from the clinic's PACS, normalized, resilient (see
 * ResilientClient) and with the last good answer served stale when the PACS is down.
 * Report and thumbnail links of the PACS itself (which the browser cannot reach) become
 * authenticated HCE links that relay the file.
 */
export class PacsService {
  readonly client: ResilientClient;
  private readonly adapter: PacsAdapter;
  private readonly cache: LastGoodCache<CachedAnswer<UpstreamStudy>>;

  constructor(private readonly deps: IntegrationServiceDeps) {
    const { config, logger, telemetry } = deps;
    this.client = createSystemClient('pacs', config, logger, telemetry);
    this.adapter = config.PACS_MODE === 'dicomweb'
      ? new PacsDicomwebAdapter(this.client)
      : new PacsRestAdapter(this.client, config.PACS_FIELD_MAP);
    this.cache = new LastGoodCache(config.INTEGRATION_CACHE_TTL_MS, 5000);
  }

  /** For the patient summary too: `{ data, source, fetchedAt, stale }`, or an IntegrationError. */
  async studies(row: PatientRow): Promise<ProxyAnswer<PacsStudy>> {
    const identifier = this.identifierOf(row);
    const answer = await withLastGood(this.cache, cacheKey(row.id, identifier), sourceName('pacs', this.adapter.mode),
      () => this.adapter.listStudies(identifier));
    return {
      data: answer.rows.map((study) => this.present(row.id, study)),
      source: answer.source,
      fetchedAt: answer.fetchedAt,
      stale: answer.stale,
      ...(answer.staleReason ? { staleReason: answer.staleReason } : {}),
    };
  }

  /** GET /integracion/pacs/studies: the patient's studies, audited. */
  async listForPatient(actor: AuditActor, patientId: string): Promise<ProxyAnswer<PacsStudy>> {
    const row = await this.deps.patients.require(this.deps.db, patientId);
    return audited(this.deps.audit, this.deps.logger, actor, { action: 'PACS_STUDIES_VIEWED', patientId },
      () => this.studies(row), (answer) => ({ count: answer.data.length, source: answer.source, stale: answer.stale }));
  }

  /** The report or thumbnail of one of the patient's studies, fetched from the PACS and relayed. */
  async studyDocument(actor: AuditActor, patientId: string, studyId: string, kind: StudyDocumentKind): Promise<UpstreamDocument> {
    const row = await this.deps.patients.require(this.deps.db, patientId);
    const action = kind === 'report' ? 'PACS_REPORT_VIEWED' : 'PACS_THUMBNAIL_VIEWED';
    return audited(this.deps.audit, this.deps.logger, actor, { action, patientId, details: { studyId } }, async () => {
      const study = await this.adapter.findStudy(this.identifierOf(row), studyId);
      if (!study) throw integrationErrors.notFound('pacs', 'STUDY_NOT_FOUND', 'El PACS no tiene ese estudio para este paciente.');
      const source = kind === 'report' ? (study.hasReport ? study.reportSource : null) : study.thumbnailSource;
      const url = source === null ? null : this.client.resolveOwnUrl(source);
      if (!url) {
        throw integrationErrors.notFound('pacs', 'DOCUMENT_NOT_AVAILABLE',
          kind === 'report' ? 'El estudio no tiene un informe que el HCE pueda mostrar.' : 'El estudio no tiene una miniatura que el HCE pueda mostrar.');
      }
      return this.client.getDocument(`pacs.${kind}`, url, DOCUMENT_ACCEPT[kind]);
    }, (doc) => ({ contentType: doc.contentType, bytes: doc.body.length }));
  }

  private identifierOf(row: PatientRow): string {
    this.client.assertConfigured(); // 503 before any patient-specific answer
    return patientIdentifier('pacs', this.deps.patients.toDto(row), this.deps.config.PACS_PATIENT_ID);
  }

  /**
   * Links on the PACS's own origin are rewritten to HCE links (the browser cannot reach the
   * PACS and must not hold its key); absolute links elsewhere (a public viewer) pass as given.
   */
  private present(patientId: string, study: UpstreamStudy): PacsStudy {
    const link = (source: string | null, kind: StudyDocumentKind): string | null => {
      if (source === null) return null;
      if (this.client.resolveOwnUrl(source)) {
        return `/api/v1/integracion/pacs/studies/${encodeURIComponent(study.studyId)}/${kind}?patient_id=${patientId}`;
      }
      return safeExternalUrl(source);
    };
    return {
      studyId: study.studyId,
      studyDate: study.studyDate,
      modality: study.modality,
      description: study.description,
      accessionNumber: study.accessionNumber,
      reportUrl: study.hasReport ? link(study.reportSource, 'report') : null,
      thumbnailUrl: link(study.thumbnailSource, 'thumbnail'),
      hasReport: study.hasReport,
    };
  }
}
