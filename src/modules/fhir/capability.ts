import type { Resource } from './fhir.mappers.js';

const SEARCH_PATIENT = { name: 'patient', type: 'reference', documentation: 'Recursos del paciente' };

/** Exactly what /fhir/r4 supports: read and search, no writes. */
export function capabilityStatement(baseUrl: string): Resource {
  const clinical = (type: string, extra: { name: string; type: string; documentation: string }[] = []) => ({
    type, interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchParam: [SEARCH_PATIENT, { name: 'encounter', type: 'reference', documentation: 'Recursos de una atención' }, ...extra, { name: '_count', type: 'number', documentation: 'Tamaño de página (máx. 100)' }],
  });
  return {
    resourceType: 'CapabilityStatement', id: 'hce', status: 'active', date: '2026-11-28', kind: 'instance',
    publisher: 'HCE — Historia Clínica Electrónica', fhirVersion: '4.0.1', format: ['application/fhir+json'],
    software: { name: 'HCE API', version: '1.0.0' },
    implementation: { description: 'API FHIR R4 de solo lectura sobre la historia clínica electrónica', url: baseUrl },
    rest: [{
      mode: 'server',
      security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }], text: 'Bearer JWT del HCE' }], description: 'Mismo token JWT, permisos por rol y auditoría que la API REST' },
      resource: [
        { type: 'Patient', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [
          { name: '_id', type: 'token', documentation: 'Id del paciente' },
          { name: 'identifier', type: 'token', documentation: 'sistema|valor (DNI, carné, pasaporte, RUC, historia clínica)' },
          { name: 'name', type: 'string', documentation: 'Nombre o apellidos, sin tildes ni mayúsculas' },
          { name: '_count', type: 'number', documentation: 'Tamaño de página' },
        ], operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] },
        { type: 'Practitioner', interaction: [{ code: 'read' }] },
        clinical('Encounter', [{ name: 'date', type: 'date', documentation: 'Fecha de atención con prefijos eq, ge, gt, le, lt' }]),
        clinical('Condition'), clinical('Observation'), clinical('MedicationRequest'), clinical('ServiceRequest'), clinical('DocumentReference'),
        { type: 'AllergyIntolerance', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [SEARCH_PATIENT] },
        { type: 'Appointment', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [SEARCH_PATIENT] },
        { type: 'Composition', interaction: [], operation: [{ name: 'document', definition: 'http://hl7.org/fhir/OperationDefinition/Composition-document' }] },
      ],
    }],
  };
}
