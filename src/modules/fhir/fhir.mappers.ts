import type { AppointmentDto } from '../appointments/appointments.schemas.js';
import type { AttentionDetailDto } from '../attentions/attentions.schemas.js';
import type { PatientDto } from '../patients/patients.schemas.js';
import type { DoctorSummary } from '../users/users.service.js';
import {
  ALLERGY_CLINICAL, ALLERGY_VER, ATC, CONDITION_CATEGORY, CONDITION_CLINICAL, CONDITION_VER, DOCUMENT_TYPE_CODES, ICD10,
  PE_UBIGEO_EXTENSION, V2_0203, V3_ACT_CODE, type systems,
} from './systems.js';
import { vitalObservations } from './vitals.mapper.js';

export type Resource = { resourceType: string; id: string; [key: string]: unknown };
type Systems = ReturnType<typeof systems>;

const ref = (type: string, id: string, display?: string) => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const GENDER: Record<string, string> = { M: 'male', F: 'female', OTRO: 'other' };

export function patientResource(p: PatientDto, sys: Systems): Resource {
  const identifier: Record<string, unknown>[] = [];
  if (p.numeroDocumento) {
    const type = DOCUMENT_TYPE_CODES[p.tipoDocumento]!;
    identifier.push({ use: 'official', type: { coding: [{ system: V2_0203, code: type.code }], text: p.tipoDocumentoDetalle ?? type.display }, system: sys.document[p.tipoDocumento], value: p.numeroDocumento });
  }
  identifier.push({ use: 'usual', type: { coding: [{ system: V2_0203, code: 'MR' }], text: 'Historia clínica' }, system: sys.hc, value: p.numeroHistoriaClinica });
  const telecom = [
    p.telefonoMovil ? { system: 'phone', value: p.telefonoMovil, use: 'mobile' } : undefined,
    p.telefonoFijo ? { system: 'phone', value: p.telefonoFijo, use: 'home' } : undefined,
    p.email ? { system: 'email', value: p.email } : undefined,
  ].filter(Boolean);
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: p.updatedAt },
    identifier,
    active: true,
    name: [{ use: 'official', text: p.nombreCompleto, family: [p.apellidoPaterno, p.apellidoMaterno].filter(Boolean).join(' '), given: p.nombres.split(' ') }],
    ...(telecom.length ? { telecom } : {}),
    gender: GENDER[p.sexo] ?? 'unknown',
    birthDate: p.fechaNacimiento,
    ...(p.direccion || p.ubigeo ? {
      address: [{
        use: 'home', type: 'physical', ...(p.direccion ? { line: [p.direccion] } : {}),
        ...(p.distrito ? { district: p.distrito } : {}), ...(p.provincia ? { city: p.provincia } : {}), ...(p.departamento ? { state: p.departamento } : {}),
        country: 'PE', ...(p.ubigeo ? { extension: [{ url: PE_UBIGEO_EXTENSION, valueString: p.ubigeo }] } : {}),
      }],
    } : {}),
    ...(p.estadoCivil ? { maritalStatus: { text: p.estadoCivil } } : {}),
    ...(p.contactoEmergencia ? { contact: [{ relationship: [{ text: p.contactoEmergencia.relacion }], name: { text: p.contactoEmergencia.nombre }, telecom: [{ system: 'phone', value: p.contactoEmergencia.telefono }] }] } : {}),
  };
}

export function practitionerResource(d: DoctorSummary, sys: Systems): Resource {
  return {
    resourceType: 'Practitioner', id: d.id, active: d.isActive,
    ...(d.cmp ? { identifier: [{ use: 'official', type: { text: 'Colegio Médico del Perú (CMP)' }, system: sys.cmp, value: d.cmp }] } : {}),
    name: [{ text: d.nombreCompleto }],
    ...(d.especialidad ? { qualification: [{ code: { text: d.especialidad } }] } : {}),
  };
}

const SEVERITY: Record<string, string> = { LEVE: 'mild', MODERADA: 'moderate', GRAVE: 'severe' };

export function allergyResources(p: PatientDto): Resource[] {
  return p.alergias.map((a, i) => ({
    resourceType: 'AllergyIntolerance', id: `${p.id}-${i + 1}`,
    clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: ALLERGY_VER, code: 'confirmed' }] },
    criticality: a.severidad === 'GRAVE' ? 'high' : 'low',
    code: { text: a.alergia },
    patient: ref('Patient', p.id, p.nombreCompleto),
    ...(a.reaccion ? { reaction: [{ manifestation: [{ text: a.reaccion }], severity: SEVERITY[a.severidad] }] } : {}),
  }));
}

const VERIFICATION: Record<string, string> = { PRESUNTIVO: 'provisional', DEFINITIVO: 'confirmed', DESCARTADO: 'refuted' };

/** Every resource of one attention: Encounter, Conditions, vital-sign Observations, orders, prescriptions, documents. */
export function attentionResources(a: AttentionDetailDto, sys: Systems, signedUrl: (attachmentId: string) => string | undefined): Resource[] {
  const patient = ref('Patient', a.patient_id, a.patient.nombreCompleto);
  const encounter = ref('Encounter', a.id);
  const practitioner = ref('Practitioner', a.doctor_id, a.doctor.nombreCompleto);
  const out: Resource[] = [{
    resourceType: 'Encounter', id: a.id,
    meta: { versionId: String(a.version), lastUpdated: a.updatedAt },
    status: a.estado === 'FINALIZADA' ? 'finished' : 'in-progress',
    class: a.tipoAtencion === 'EMERGENCIA' ? { system: V3_ACT_CODE, code: 'EMER', display: 'emergency' } : { system: V3_ACT_CODE, code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: sys.attentionType, code: a.tipoAtencion }], text: a.tipoAtencion }],
    subject: patient,
    participant: [{ individual: practitioner }],
    ...(a.appointment_id ? { appointment: [ref('Appointment', a.appointment_id)] } : {}),
    period: { start: a.fechaAtencion, ...(a.finalizedAt ? { end: a.finalizedAt } : {}) },
    ...(a.motivoConsulta ? { reasonCode: [{ text: a.motivoConsulta }] } : {}),
    diagnosis: a.diagnoses.filter((d) => d.deletedAt === null && d.type !== 'DESCARTADO').map((d, i) => ({ condition: ref('Condition', d.id), rank: i + 1 })),
  }];
  for (const d of a.diagnoses) {
    const deleted = d.deletedAt !== null;
    out.push({
      resourceType: 'Condition', id: d.id,
      ...(deleted || d.type === 'DESCARTADO' ? {} : { clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] } }),
      verificationStatus: { coding: [{ system: CONDITION_VER, code: deleted ? 'entered-in-error' : VERIFICATION[d.type]! }] },
      category: [{ coding: [{ system: CONDITION_CATEGORY, code: 'encounter-diagnosis' }] }],
      code: { coding: [{ system: ICD10, code: d.cie_code, display: d.description }], text: d.description },
      subject: patient, encounter, recordedDate: d.createdAt, recorder: practitioner,
      ...(d.fechaInicioSintomas ? { onsetDateTime: d.fechaInicioSintomas } : {}),
    });
  }
  if (a.vitals) out.push(...vitalObservations(a.vitals, patient, encounter, practitioner, a.estado === 'FINALIZADA'));
  for (const p of a.prescriptions) {
    const m = p.medicamento;
    out.push({
      resourceType: 'MedicationRequest', id: p.id,
      status: p.deletedAt ? 'entered-in-error' : a.estado === 'FINALIZADA' ? 'active' : 'draft',
      intent: 'order',
      medicationCodeableConcept: { ...(m.codigoAtc ? { coding: [{ system: ATC, code: m.codigoAtc, display: m.dci }] } : {}), text: [m.dci, m.concentracion, m.formaFarmaceutica].filter(Boolean).join(' ') },
      subject: patient, encounter, authoredOn: p.createdAt, requester: practitioner,
      dosageInstruction: [{ text: [p.dosis, p.via, p.frecuencia, p.duracion].join(', '), route: { text: p.via }, ...(p.indicaciones ? { patientInstruction: p.indicaciones } : {}) }],
      dispenseRequest: { quantity: { value: p.cantidad } },
    });
  }
  for (const o of a.orders) {
    out.push({
      resourceType: 'ServiceRequest', id: o.id,
      identifier: [{ system: sys.orderNumber, value: o.numeroOrden }],
      status: o.deletedAt ? 'entered-in-error' : a.estado === 'FINALIZADA' ? 'active' : 'draft',
      intent: 'order',
      category: [{ text: o.tipo }],
      code: { ...(o.procedure_code ? { coding: [{ system: sys.cpms, code: o.procedure_code, ...(o.procedureName ? { display: o.procedureName } : {}) }] } : {}), text: o.detalle },
      subject: patient, encounter, authoredOn: o.createdAt, requester: practitioner,
      ...(o.indicaciones ? { note: [{ text: o.indicaciones }] } : {}),
    });
  }
  for (const x of a.attachments) {
    out.push({
      resourceType: 'DocumentReference', id: x.id,
      status: x.deletedAt ? 'entered-in-error' : 'current',
      subject: patient, date: x.uploadedAt, author: [ref('Practitioner', x.uploadedBy)],
      ...(x.description ? { description: x.description } : {}),
      content: [{ attachment: { contentType: x.fileType, url: signedUrl(x.id) ?? x.urlPath, size: x.size, title: x.fileName, creation: x.uploadedAt } }],
      context: { encounter: [encounter] },
    });
  }
  return out;
}

const APPOINTMENT_STATUS: Record<string, string> = {
  PENDIENTE: 'pending', CONFIRMADA: 'booked', REPROGRAMADA: 'booked', EN_CONSULTA: 'arrived', ATENDIDA: 'fulfilled', CANCELADA: 'cancelled',
};

export function appointmentResource(a: AppointmentDto): Resource {
  const start = new Date(`${a.fecha}T${a.hora}:00-05:00`);
  return {
    resourceType: 'Appointment', id: a.id,
    meta: { versionId: String(a.version), lastUpdated: a.updatedAt },
    status: APPOINTMENT_STATUS[a.estado] ?? 'proposed',
    serviceType: [{ coding: [{ code: a.serviceType.codigo, display: a.serviceType.nombre }], text: a.serviceType.nombre }],
    description: a.descripcionServicio,
    start: start.toISOString(),
    end: new Date(start.getTime() + a.duracionMinutos * 60_000).toISOString(),
    minutesDuration: a.duracionMinutos,
    participant: [
      { actor: ref('Patient', a.patient_id, a.patient.nombreCompleto), status: 'accepted' },
      { actor: ref('Practitioner', a.doctor_id, a.doctor.nombreCompleto), status: 'accepted' },
    ],
  };
}
