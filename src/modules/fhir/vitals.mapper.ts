import { LOINC, OBS_CATEGORY, UCUM, VITAL_SIGNS_PROFILE } from './systems.js';
import type { Resource } from './fhir.mappers.js';

interface VitalsDto {
  id: string; pa_sistolica: number | null; pa_diastolica: number | null; fc: number | null; fr: number | null; temp: number | null;
  satO2: number | null; peso: number | null; talla: number | null; imc: number | null; recordedAt: string;
}
type Ref = { reference: string; display?: string };

const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });

/** One Observation per vital sign, coded per the FHIR R4 vital-signs profile (LOINC + UCUM). */
export function vitalObservations(v: VitalsDto, subject: Ref, encounter: Ref, performer: Ref, final: boolean): Resource[] {
  const base = (suffix: string, loinc: string, display: string) => ({
    resourceType: 'Observation', id: `${v.id}-${suffix}`,
    meta: { profile: [VITAL_SIGNS_PROFILE] },
    status: final ? 'final' : 'preliminary',
    category: [{ coding: [{ system: OBS_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }],
    code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
    subject, encounter, effectiveDateTime: v.recordedAt, performer: [performer],
  });
  const out: Resource[] = [];
  if (v.pa_sistolica !== null && v.pa_diastolica !== null) {
    out.push({
      ...base('bp', '85354-9', 'Blood pressure panel with all children optional'),
      component: [
        { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: quantity(v.pa_sistolica, 'mmHg', 'mm[Hg]') },
        { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: quantity(v.pa_diastolica, 'mmHg', 'mm[Hg]') },
      ],
    });
  }
  if (v.fc !== null) out.push({ ...base('hr', '8867-4', 'Heart rate'), valueQuantity: quantity(v.fc, 'beats/minute', '/min') });
  if (v.fr !== null) out.push({ ...base('rr', '9279-1', 'Respiratory rate'), valueQuantity: quantity(v.fr, 'breaths/minute', '/min') });
  if (v.temp !== null) out.push({ ...base('temp', '8310-5', 'Body temperature'), valueQuantity: quantity(v.temp, 'C', 'Cel') });
  if (v.satO2 !== null) {
    const spo2 = base('spo2', '2708-6', 'Oxygen saturation in Arterial blood');
    (spo2.code.coding as { system: string; code: string; display: string }[]).push({ system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' });
    out.push({ ...spo2, valueQuantity: quantity(v.satO2, '%', '%') });
  }
  if (v.peso !== null) out.push({ ...base('weight', '29463-7', 'Body weight'), valueQuantity: quantity(v.peso, 'kg', 'kg') });
  if (v.talla !== null) out.push({ ...base('height', '8302-2', 'Body height'), valueQuantity: quantity(Math.round(v.talla * 1000) / 10, 'cm', 'cm') });
  if (v.imc !== null) out.push({ ...base('bmi', '39156-5', 'Body mass index (BMI) [Ratio]'), valueQuantity: quantity(v.imc, 'kg/m2', 'kg/m2') });
  return out;
}
