/** Fields of a normalized study; also the keys PACS_FIELD_MAP may rename. */
export const PACS_FIELDS = [
  'studyId', 'studyDate', 'modality', 'description', 'accessionNumber', 'reportUrl', 'thumbnailUrl', 'hasReport',
] as const;

export type PacsField = (typeof PACS_FIELDS)[number];

/** What the HCE answers for one study. */
export interface PacsStudy {
  studyId: string;
  studyDate: string | null;
  modality: string | null;
  description: string | null;
  accessionNumber: string | null;
  reportUrl: string | null;
  thumbnailUrl: string | null;
  hasReport: boolean;
}

/** A study as an adapter read it: the links are still the PACS's own (cached like this). */
export interface UpstreamStudy extends Omit<PacsStudy, 'reportUrl' | 'thumbnailUrl'> {
  reportSource: string | null;
  thumbnailSource: string | null;
}

/** One file per PACS dialect (PACS_MODE). Calls go through the shared resilient client. */
export interface PacsAdapter {
  readonly mode: 'rest' | 'dicomweb';
  listStudies(patientIdentifier: string): Promise<UpstreamStudy[]>;
  /** The study if it belongs to that patient, else null. */
  findStudy(patientIdentifier: string, studyId: string): Promise<UpstreamStudy | null>;
}
