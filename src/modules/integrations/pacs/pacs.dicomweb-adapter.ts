import { UnexpectedShapeError } from '../http/integration-errors.js';
import { extractList, isObject, isoDate, requireRecords, text, type JsonObject } from '../http/normalize.js';
import type { ResilientClient } from '../http/resilient-client.js';
import { modalityText } from './pacs.rest-adapter.js';
import type { PacsAdapter, UpstreamStudy } from './pacs.types.js';

/** DICOM JSON tags read from QIDO-RS study results (PS3.18 F.2). */
const TAG = {
  studyInstanceUid: '0020000D',
  studyDate: '00080020',
  accessionNumber: '00080050',
  modality: '00080060',
  modalitiesInStudy: '00080061',
  studyDescription: '00081030',
  patientId: '00100020',
} as const;

/** Many PACS (Orthanc among them) omit optional attributes unless asked by includefield. */
const INCLUDE_FIELDS = [TAG.studyDescription, TAG.modalitiesInStudy, TAG.accessionNumber, TAG.studyDate];

/** Study Instance UIDs are dotted digits (PS3.5 9.1); anything else never reaches the PACS. */
export const STUDY_UID = /^[0-9]+(\.[0-9]+)*$/;

function values(record: JsonObject, tag: string): unknown[] {
  const element = record[tag];
  return isObject(element) && Array.isArray(element.Value) ? element.Value : [];
}

/**
 * DICOMweb: QIDO-RS `GET {base}/studies?PatientID=` for the list and WADO-RS
 * `…/studies/{uid}/rendered` for a thumbnail. No report link is derivable from QIDO
 * attributes, so hasReport is false here (structured reports are a viewer's job).
 */
export class PacsDicomwebAdapter implements PacsAdapter {
  readonly mode = 'dicomweb' as const;

  constructor(private readonly client: ResilientClient) {}

  listStudies(patientIdentifier: string): Promise<UpstreamStudy[]> {
    return this.query(patientIdentifier);
  }

  async findStudy(patientIdentifier: string, studyId: string): Promise<UpstreamStudy | null> {
    if (!STUDY_UID.test(studyId) || studyId.length > 64) return null;
    return (await this.query(patientIdentifier, studyId)).find((s) => s.studyId === studyId) ?? null;
  }

  private async query(patientIdentifier: string, studyUid?: string): Promise<UpstreamStudy[]> {
    const url = new URL(`${this.client.baseUrl}/studies`);
    url.searchParams.set('PatientID', patientIdentifier);
    if (studyUid) url.searchParams.set('StudyInstanceUID', studyUid);
    for (const tag of INCLUDE_FIELDS) url.searchParams.append('includefield', tag);
    return this.client.getJson(studyUid ? 'pacs.study' : 'pacs.studies', url, 'application/dicom+json, application/json', (body) =>
      requireRecords(extractList(body, [], 'estudios DICOM'), 'estudio')
        .filter((record) => this.belongsTo(record, patientIdentifier))
        .map((record, index) => this.study(record, index)));
  }

  /**
   * QIDO matching treats * and ? as wildcards and some PACS match loosely: keep only studies
   * whose PatientID is exactly the patient's (when the PACS returns the attribute at all).
   */
  private belongsTo(record: JsonObject, patientIdentifier: string): boolean {
    const returned = values(record, TAG.patientId);
    return returned.length === 0 || returned.some((v) => text(v) === patientIdentifier);
  }

  private study(record: JsonObject, index: number): UpstreamStudy {
    const uid = text(values(record, TAG.studyInstanceUid)[0]);
    if (!uid || !STUDY_UID.test(uid)) throw new UnexpectedShapeError(`estudio ${index} sin StudyInstanceUID válido`);
    const modalities = values(record, TAG.modalitiesInStudy);
    return {
      studyId: uid,
      studyDate: isoDate(values(record, TAG.studyDate)[0]),
      modality: modalityText(modalities.length ? modalities : values(record, TAG.modality)),
      description: text(values(record, TAG.studyDescription)[0]),
      accessionNumber: text(values(record, TAG.accessionNumber)[0]),
      hasReport: false,
      reportSource: null,
      // On the PACS's own origin: the HCE fetches it (with the key) and relays the image.
      thumbnailSource: `${this.client.baseUrl}/studies/${uid}/rendered?viewport=256,256`,
    };
  }
}
