import { categoryName, extractList, isObject, isoDateOrInstant, readPath, requiredId, requireRecords, text, type JsonObject } from '../http/normalize.js';
import type { ResilientClient } from '../http/resilient-client.js';
import { LIS_FIELDS, type LisAdapter, type LisField, type UpstreamResult } from './lis.types.js';

const LIST_KEYS = ['results', 'data', 'items'] as const;

/** HL7 v2 abnormal flags (table 0078) and plain words, as LIS vendors send them. */
const ABNORMAL_FLAGS = new Set(['H', 'L', 'A', 'HH', 'LL', 'AA', 'HU', 'LU', '>', '<', 'ALTO', 'BAJO', 'ANORMAL', 'CRITICO', 'CRÍTICO', 'TRUE', 'SI', 'SÍ']);
const NORMAL_FLAGS = new Set(['N', 'NORMAL', 'FALSE', 'NO']);

export function abnormalFlag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const flag = text(value)?.toUpperCase();
  if (!flag) return null;
  if (ABNORMAL_FLAGS.has(flag)) return true;
  if (NORMAL_FLAGS.has(flag)) return false;
  return null;
}

/** "70-110", or { low, high, text } as some LIS send it. */
function rangeText(value: unknown): string | null {
  if (!isObject(value)) return text(value);
  const given = text(value.text);
  if (given) return given;
  const low = text(value.low);
  const high = text(value.high);
  if (low && high) return `${low} - ${high}`;
  if (low) return `>= ${low}`;
  if (high) return `<= ${high}`;
  return null;
}

function valueText(value: unknown): string | null {
  if (typeof value === 'boolean') return value ? 'Positivo' : 'Negativo';
  return text(value);
}

/**
 * The document's REST contract: GET {LIS_BASE_URL}/api/results?patient_id={id} answering a
 * list of results (bare, or under results/data/items); each result's fields are read by the
 * names in LIS_FIELD_MAP (dotted paths allowed), defaulting to the normalized names.
 */
export class LisRestAdapter implements LisAdapter {
  readonly mode = 'rest' as const;
  private readonly fields: Record<LisField, string>;

  constructor(private readonly client: ResilientClient, fieldMap: Record<string, string> = {}) {
    this.fields = Object.fromEntries(LIS_FIELDS.map((f) => [f, fieldMap[f] ?? f])) as Record<LisField, string>;
  }

  async listResults(patientIdentifier: string): Promise<UpstreamResult[]> {
    const url = new URL(`${this.client.baseUrl}/api/results`);
    url.searchParams.set('patient_id', patientIdentifier);
    return this.client.getJson('lis.results', url, 'application/json', (body) =>
      requireRecords(extractList(body, LIST_KEYS, 'resultados'), 'resultado').map((record, index) => this.result(record, index)));
  }

  private result(record: JsonObject, index: number): UpstreamResult {
    const read = (field: LisField) => readPath(record, this.fields[field]);
    return {
      resultId: requiredId(record, this.fields.resultId, 'resultado', index),
      testDate: isoDateOrInstant(read('testDate')),
      testCode: text(read('testCode')),
      testName: text(read('testName')),
      category: categoryName(read('category')),
      resultValue: valueText(read('resultValue')),
      units: text(read('units')),
      referenceRange: rangeText(read('referenceRange')),
      abnormal: abnormalFlag(read('abnormal')),
      status: text(read('status')),
      reportText: text(read('reportText')),
      reportSource: text(read('reportUrl')),
      orderNumber: text(read('orderNumber')),
    };
  }
}
