import type { ResilientClient } from '../http/resilient-client.js';
import { bundleToResults } from './lis.fhir-mapping.js';
import type { LisAdapter, UpstreamResult } from './lis.types.js';

/** FHIR search escapes these in token values (R4 3.1.1.5.7). */
function escapeToken(value: string): string {
  return value.replace(/[\\|,$]/g, '\\$&');
}

/**
 * FHIR R4: `GET {base}/DiagnosticReport?patient.identifier={system}|{value}&_include=DiagnosticReport:result`
 * answering a searchset Bundle; only its first page is read (the newest 100 reports on
 * servers that sort by date; the document asks for recent results, not the archive).
 */
export class LisFhirAdapter implements LisAdapter {
  readonly mode = 'fhir' as const;

  constructor(private readonly client: ResilientClient, private readonly identifierSystem: string | undefined) {}

  async listResults(patientIdentifier: string): Promise<UpstreamResult[]> {
    const url = new URL(`${this.client.baseUrl}/DiagnosticReport`);
    const token = escapeToken(patientIdentifier);
    url.searchParams.set('patient.identifier', this.identifierSystem ? `${this.identifierSystem}|${token}` : token);
    url.searchParams.set('_include', 'DiagnosticReport:result');
    url.searchParams.set('_count', '100');
    return this.client.getJson('lis.results', url, 'application/fhir+json, application/json;q=0.9', bundleToResults);
  }
}
