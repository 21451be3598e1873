import { UnexpectedShapeError } from '../http/integration-errors.js';
import { categoryName, isObject, isoDateOrInstant, text, type JsonObject } from '../http/normalize.js';
import type { UpstreamResult } from './lis.types.js';

/**
 * FHIR R4 searchset Bundle (DiagnosticReport + _include'd Observations) → normalized results:
 * one row per Observation (or per component of a panel), carrying its report's category,
 * conclusion, presented form and order number; a report without Observations (pathology,
 * culture narrative) becomes one row of its own.
 */

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const objects = (value: unknown): JsonObject[] => list(value).filter(isObject);

function codings(concept: unknown): JsonObject[] {
  return isObject(concept) ? objects(concept.coding) : [];
}

function conceptText(concept: unknown): string | null {
  if (!isObject(concept)) return null;
  const coding = codings(concept);
  return text(concept.text) ?? coding.map((c) => text(c.display)).find(Boolean) ?? coding.map((c) => text(c.code)).find(Boolean) ?? null;
}

function conceptCode(concept: unknown): string | null {
  return codings(concept).map((c) => text(c.code)).find(Boolean) ?? null;
}

/** HL7 v2 table 0074 (diagnostic service section), as FHIR DiagnosticReport.category uses it. */
const SECTION_CATEGORY: Record<string, string> = {
  CH: 'BIOQUIMICA', HM: 'HEMATOLOGIA', MB: 'MICROBIOLOGIA', MCB: 'MICROBIOLOGIA', MYC: 'MICROBIOLOGIA', VR: 'MICROBIOLOGIA',
  PAR: 'MICROBIOLOGIA', SP: 'PATOLOGIA', CP: 'PATOLOGIA', PAT: 'PATOLOGIA', SR: 'INMUNOLOGIA', IMM: 'INMUNOLOGIA',
};
const CATEGORY_WORDS: [RegExp, string][] = [
  [/patol|patho|citol|cytol|biops/i, 'PATOLOGIA'],
  [/microb|cultiv|cultur|bacter/i, 'MICROBIOLOGIA'],
  [/hemat/i, 'HEMATOLOGIA'],
  [/bioq|quimic|químic|chem/i, 'BIOQUIMICA'],
  [/inmun|immun|serol/i, 'INMUNOLOGIA'],
];
const GENERIC = /^(lab|laboratory|laboratorio)$/i;

function category(report: JsonObject): string | null {
  const concepts = list(report.category);
  for (const coding of concepts.flatMap(codings)) {
    const mapped = SECTION_CATEGORY[text(coding.code)?.toUpperCase() ?? ''];
    if (mapped) return mapped;
  }
  const texts = [...concepts.map(conceptText), conceptText(report.code)].filter((t): t is string => Boolean(t) && !GENERIC.test(t ?? ''));
  for (const candidate of texts) for (const [pattern, name] of CATEGORY_WORDS) if (pattern.test(candidate)) return name;
  return categoryName(concepts.map(conceptText).find((t) => t && !GENERIC.test(t)));
}

const ABNORMAL = new Set(['A', 'AA', 'H', 'HH', 'HU', 'L', 'LL', 'LU', '<', '>']);

function interpretation(concepts: unknown): boolean | null {
  const codes = list(concepts).flatMap(codings).map((c) => text(c.code)?.toUpperCase()).filter(Boolean);
  if (codes.some((c) => ABNORMAL.has(c!))) return true;
  if (codes.includes('N')) return false;
  return null;
}

function quantityText(quantity: unknown): string | null {
  if (!isObject(quantity)) return null;
  const value = text(quantity.value);
  return value === null ? null : `${text(quantity.comparator) ?? ''}${value}`;
}

function unitOf(quantity: unknown): string | null {
  return isObject(quantity) ? text(quantity.unit) ?? text(quantity.code) : null;
}

interface Range { text: string | null; low: number | null; high: number | null }

function referenceRange(ranges: unknown): Range {
  const range = objects(ranges)[0];
  if (!range) return { text: null, low: null, high: null };
  const low = isObject(range.low) && typeof range.low.value === 'number' ? range.low.value : null;
  const high = isObject(range.high) && typeof range.high.value === 'number' ? range.high.value : null;
  const unit = unitOf(range.low) ?? unitOf(range.high);
  const bounds = low !== null && high !== null ? `${low} - ${high}` : low !== null ? `>= ${low}` : high !== null ? `<= ${high}` : null;
  return { text: text(range.text) ?? (bounds && unit ? `${bounds} ${unit}` : bounds), low, high };
}

function valueOf(source: JsonObject): { value: string | null; units: string | null; numeric: number | null } {
  const q = source.valueQuantity;
  if (isObject(q)) {
    const numeric = typeof q.value === 'number' && q.comparator === undefined ? q.value : null;
    return { value: quantityText(q), units: unitOf(q), numeric };
  }
  if (typeof source.valueBoolean === 'boolean') return { value: source.valueBoolean ? 'Positivo' : 'Negativo', units: null, numeric: null };
  const plain = text(source.valueString) ?? text(source.valueInteger) ?? conceptText(source.valueCodeableConcept) ?? text(source.valueDateTime);
  return { value: plain, units: null, numeric: typeof source.valueInteger === 'number' ? source.valueInteger : null };
}

function decodeText(form: JsonObject): string | null {
  if (!/^text\/plain/i.test(text(form.contentType) ?? '') || typeof form.data !== 'string') return null;
  return text(Buffer.from(form.data, 'base64').toString('utf8'));
}

function orderNumber(report: JsonObject): string | null {
  const fromOrder = objects(report.basedOn).map((ref) => (isObject(ref.identifier) ? text(ref.identifier.value) : null)).find(Boolean);
  if (fromOrder) return fromOrder;
  const identifiers = objects(report.identifier);
  const placer = identifiers.find((id) => codings(id.type).some((c) => ['PLAC', 'FILL', 'ACSN'].includes(text(c.code) ?? '')));
  return text((placer ?? identifiers[0])?.value) ?? null;
}

/** The PDF when there is one, else any form with a link. */
function linkedForm(forms: JsonObject[]): JsonObject | undefined {
  return forms.find((f) => /pdf/i.test(text(f.contentType) ?? '') && text(f.url)) ?? forms.find((f) => text(f.url));
}

/** Observation/123, …/Observation/123/_history/2 and urn:uuid fullUrls all find their resource. */
function referenceKey(reference: string): string {
  const match = /(Observation\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(reference);
  return match ? match[1]! : reference;
}

export function bundleToResults(bundle: unknown): UpstreamResult[] {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') throw new UnexpectedShapeError('se esperaba un Bundle FHIR');
  const resources = objects(bundle.entry).flatMap((e) => (isObject(e.resource) ? [{ fullUrl: text(e.fullUrl), resource: e.resource }] : []));
  const observations = new Map<string, JsonObject>();
  for (const { fullUrl, resource } of resources) {
    if (resource.resourceType !== 'Observation') continue;
    if (text(resource.id)) observations.set(`Observation/${text(resource.id)}`, resource);
    if (fullUrl) observations.set(fullUrl, resource);
  }
  const rows: UpstreamResult[] = [];
  for (const { resource: report } of resources) {
    if (report.resourceType !== 'DiagnosticReport') continue;
    const reportId = text(report.id);
    if (!reportId) throw new UnexpectedShapeError('DiagnosticReport sin id');
    const forms = objects(report.presentedForm);
    const shared = {
      category: category(report),
      status: text(report.status),
      reportText: text(report.conclusion) ?? conceptText(list(report.conclusionCode)[0]) ?? forms.map(decodeText).find(Boolean) ?? null,
      reportSource: text(linkedForm(forms)?.url),
      orderNumber: orderNumber(report),
      testDate: isoDateOrInstant(report.effectiveDateTime) ?? isoDateOrInstant(isObject(report.effectivePeriod) ? report.effectivePeriod.start : undefined) ?? isoDateOrInstant(report.issued),
    };
    const refs = objects(report.result);
    if (refs.length === 0) {
      rows.push({ ...shared, resultId: `DiagnosticReport-${reportId}`, testCode: conceptCode(report.code), testName: conceptText(report.code),
        resultValue: null, units: null, referenceRange: null, abnormal: null });
      continue;
    }
    refs.forEach((ref, index) => {
      const reference = text(ref.reference) ?? '';
      const obs = observations.get(reference) ?? observations.get(referenceKey(reference));
      if (!obs) {
        // The server ignored _include: still show that the test exists.
        rows.push({ ...shared, resultId: `DiagnosticReport-${reportId}-r${index}`, testCode: null, testName: text(ref.display),
          resultValue: null, units: null, referenceRange: null, abnormal: null });
        return;
      }
      rows.push(...observationRows(obs, `Observation-${text(obs.id) ?? `${reportId}-r${index}`}`, shared));
    });
  }
  return rows;
}

type Shared = Omit<UpstreamResult, 'resultId' | 'testCode' | 'testName' | 'resultValue' | 'units' | 'referenceRange' | 'abnormal'>;

function observationRows(obs: JsonObject, resultId: string, shared: Shared): UpstreamResult[] {
  const testDate = isoDateOrInstant(obs.effectiveDateTime) ?? isoDateOrInstant(isObject(obs.effectivePeriod) ? obs.effectivePeriod.start : undefined) ?? shared.testDate;
  const status = text(obs.status) ?? shared.status;
  const row = (source: JsonObject, id: string, inheritInterpretation: boolean): UpstreamResult => {
    const { value, units, numeric } = valueOf(source);
    const range = referenceRange(source.referenceRange ?? (inheritInterpretation ? obs.referenceRange : undefined));
    const flagged = interpretation(source.interpretation ?? (inheritInterpretation ? obs.interpretation : undefined));
    const outside = numeric !== null && (range.low !== null || range.high !== null)
      ? (range.low !== null && numeric < range.low) || (range.high !== null && numeric > range.high)
      : null;
    return { ...shared, testDate, status, resultId: id, testCode: conceptCode(source.code), testName: conceptText(source.code),
      resultValue: value, units, referenceRange: range.text, abnormal: flagged ?? outside };
  };
  const components = objects(obs.component);
  const hasValue = Object.keys(obs).some((k) => k.startsWith('value'));
  if (components.length > 0 && !hasValue) return components.map((c, i) => row(c, `${resultId}-c${i}`, false));
  return [row(obs, resultId, true)];
}
