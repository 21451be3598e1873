import { bool, extractList, isoDate, readPath, requiredId, requireRecords, text, type JsonObject } from '../http/normalize.js';
import type { ResilientClient } from '../http/resilient-client.js';
import { PACS_FIELDS, type PacsAdapter, type PacsField, type UpstreamStudy } from './pacs.types.js';

const LIST_KEYS = ['studies', 'data', 'items'] as const;

/** Modalities may come as "CT", ["CT","SR"] or "CT\\SR" (DICOM multi-value). */
export function modalityText(value: unknown): string | null {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (text(v) ?? '').split('\\')).map((s) => s.trim()).filter(Boolean);
  return parts.length ? [...new Set(parts)].join(',') : null;
}

/**
 * The document's REST contract: GET {PACS_BASE_URL}/api/studies?patient_id={id} answering a
 * list of studies (bare, or under studies/data/items); each study's fields are read by the
 * names in PACS_FIELD_MAP (dotted paths allowed), defaulting to the normalized names.
 */
export class PacsRestAdapter implements PacsAdapter {
  readonly mode = 'rest' as const;
  private readonly fields: Record<PacsField, string>;

  constructor(private readonly client: ResilientClient, fieldMap: Record<string, string> = {}) {
    this.fields = Object.fromEntries(PACS_FIELDS.map((f) => [f, fieldMap[f] ?? f])) as Record<PacsField, string>;
  }

  async listStudies(patientIdentifier: string): Promise<UpstreamStudy[]> {
    const url = new URL(`${this.client.baseUrl}/api/studies`);
    url.searchParams.set('patient_id', patientIdentifier);
    return this.client.getJson('pacs.studies', url, 'application/json', (body) =>
      requireRecords(extractList(body, LIST_KEYS, 'estudios'), 'estudio').map((record, index) => this.study(record, index)));
  }

  async findStudy(patientIdentifier: string, studyId: string): Promise<UpstreamStudy | null> {
    // The contract has no per-study endpoint: the patient's own list is the proof of ownership.
    return (await this.listStudies(patientIdentifier)).find((s) => s.studyId === studyId) ?? null;
  }

  private study(record: JsonObject, index: number): UpstreamStudy {
    const f = this.fields;
    const read = (field: PacsField) => readPath(record, f[field]);
    const reportSource = text(read('reportUrl'));
    const declared = bool(read('hasReport'));
    const hasReport = declared ?? reportSource !== null;
    return {
      studyId: requiredId(record, f.studyId, 'estudio', index),
      studyDate: isoDate(read('studyDate')),
      modality: modalityText(read('modality')),
      description: text(read('description')),
      accessionNumber: text(read('accessionNumber')),
      hasReport,
      reportSource: hasReport ? reportSource : null,
      thumbnailSource: text(read('thumbnailUrl')),
    };
  }
}
