/** Fields of a normalized result; also the keys LIS_FIELD_MAP may rename. */
export const LIS_FIELDS = [
  'resultId', 'testDate', 'testCode', 'testName', 'category', 'resultValue', 'units', 'referenceRange', 'abnormal',
  'status', 'reportText', 'reportUrl', 'orderNumber',
] as const;

export type LisField = (typeof LIS_FIELDS)[number];

/** What the HCE answers for one result. */
export interface LisResult {
  resultId: string;
  testDate: string | null;
  testCode: string | null;
  testName: string | null;
  category: string | null;
  resultValue: string | null;
  units: string | null;
  referenceRange: string | null;
  abnormal: boolean | null;
  status: string | null;
  reportText: string | null;
  reportUrl: string | null;
  orderNumber: string | null;
  /** The HCE order this result answers, when the orders module recognises orderNumber. */
  order_id: string | null;
}

/** A result as an adapter read it: the report link is still the LIS's own (cached like this). */
export interface UpstreamResult extends Omit<LisResult, 'reportUrl' | 'order_id'> {
  reportSource: string | null;
}

/** One file per LIS dialect (LIS_MODE). Calls go through the shared resilient client. */
export interface LisAdapter {
  readonly mode: 'rest' | 'fhir';
  listResults(patientIdentifier: string): Promise<UpstreamResult[]>;
}

/**
 * Maps LIS order numbers to HCE order ids (patient-scoped). Installed by the orders module
 * through LisService.setOrderResolver; until then order_id stays null.
 */
export type OrderResolver = (patientId: string, orderNumbers: string[]) => Promise<Map<string, string>>;
