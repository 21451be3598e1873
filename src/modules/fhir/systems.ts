/**
 * Code systems and identifier systems used in the FHIR façade. Terminologies with official
 * FHIR URIs use them (ICD-10, LOINC, UCUM, ATC, HL7 v2/v3); identifiers issued in Peru use
 * systems under the clinic's base URL (FHIR_SYSTEM_BASE), since MINSA's implementation
 * guide (HL7.FHIR.PE.COREPE) is an unfinished build whose canonical identifier systems we
 * could not verify here; a RENHICE connector can map them in one place.
 */
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const ATC = 'http://www.whocc.no/atc';
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
export const ALLERGY_VER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
export const PE_UBIGEO_EXTENSION = 'https://www.gob.pe/minsa/RENHICE/fhir/StructureDefinition/pe-ubigeo';

export function systems(base: string) {
  const b = base.replace(/\/$/, '');
  return {
    document: {
      DNI: `${b}/sid/dni`,
      CARNET_EXTRANJERIA: `${b}/sid/carne-extranjeria`,
      PASAPORTE: `${b}/sid/pasaporte`,
      RUC: `${b}/sid/ruc`,
      OTROS: `${b}/sid/otro-documento`,
    } as Record<string, string>,
    hc: `${b}/sid/historia-clinica`,
    cmp: `${b}/sid/cmp`,
    orderNumber: `${b}/sid/orden`,
    cpms: `${b}/CodeSystem/cpms`,
    attentionType: `${b}/CodeSystem/tipo-atencion`,
  };
}

export const DOCUMENT_TYPE_CODES: Record<string, { code: string; display: string }> = {
  DNI: { code: 'NI', display: 'Documento Nacional de Identidad' },
  CARNET_EXTRANJERIA: { code: 'PRC', display: 'Carné de extranjería' },
  PASAPORTE: { code: 'PPN', display: 'Pasaporte' },
  RUC: { code: 'TAX', display: 'RUC' },
  OTROS: { code: 'PI', display: 'Otro documento' },
};
