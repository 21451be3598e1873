import type { Db } from '../../db/client.js';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { AppointmentsService } from '../appointments/appointments.service.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AttentionDetailDto } from '../attentions/attentions.schemas.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { allergyResources, appointmentResource, attentionResources, patientResource, practitionerResource, type Resource } from './fhir.mappers.js';
import { systems } from './systems.js';

export const CLINICAL_TYPES = ['Encounter', 'Condition', 'Observation', 'MedicationRequest', 'ServiceRequest', 'DocumentReference'] as const;
export type ClinicalType = (typeof CLINICAL_TYPES)[number];

export interface SearchResult {
  resources: Resource[];
  total: number;
}

/** Newest attentions a patient-level search or $everything covers. */
const MAX_ATTENTIONS = 200;

/** Read-only FHIR R4 façade over the domain services; every request is audited by the caller. */
export class FhirService {
  readonly sys: ReturnType<typeof systems>;
  signedUrl: (attachmentId: string, userId: string) => string | undefined = () => undefined;

  constructor(
    private readonly db: Db,
    readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly appointments: AppointmentsService,
    private readonly attentions: AttentionsService,
    systemBase: string,
  ) {
    this.sys = systems(systemBase);
  }

  async patient(id: string): Promise<Resource> {
    return patientResource(this.patients.toDto(await this.requirePatient(id)), this.sys);
  }

  private async requirePatient(id: string) {
    try {
      return await this.patients.require(this.db, id);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw new NotFoundError('RESOURCE_NOT_FOUND', `Patient/${id} no existe.`);
      throw error;
    }
  }

  async searchPatients(actor: AuditActor, q: { _id?: string | undefined; identifier?: string | undefined; name?: string | undefined; count: number; offset: number }): Promise<SearchResult> {
    if (q._id) {
      const row = await this.patients.require(this.db, q._id).catch(() => undefined);
      return { resources: row ? [patientResource(this.patients.toDto(row), this.sys)] : [], total: row ? 1 : 0 };
    }
    if (q.identifier) {
      const [system, value] = q.identifier.includes('|') ? q.identifier.split('|', 2) as [string, string] : [undefined, q.identifier];
      if (!value) throw new ValidationError([{ path: 'identifier', message: 'Use identifier=sistema|valor' }]);
      if (system === this.sys.hc) {
        const found = await this.patients.search(actor, { search: value, limit: 1, offset: 0 });
        const exact = found.data.filter((p) => p.numeroHistoriaClinica === value.toUpperCase());
        return { resources: exact.map((p) => patientResource(p, this.sys)), total: exact.length };
      }
      const tipo = system ? Object.entries(this.sys.document).find(([, s]) => s === system)?.[0] : undefined;
      if (system && !tipo) return { resources: [], total: 0 };
      const tipos = tipo ? [tipo] : Object.keys(this.sys.document);
      const matches: Resource[] = [];
      for (const t of tipos) {
        const found = await this.patients.search(actor, { tipoDocumento: t, numeroDocumento: value, limit: 1, offset: 0 });
        matches.push(...found.data.map((p) => patientResource(p, this.sys)));
      }
      return { resources: matches, total: matches.length };
    }
    const page = await this.patients.search(actor, { search: q.name, limit: q.count, offset: q.offset });
    return { resources: page.data.map((p) => patientResource(p, this.sys)), total: page.total };
  }

  async practitioner(id: string): Promise<Resource> {
    const doctor = (await this.users.doctorsByIds(this.db, [id])).get(id);
    if (!doctor) throw new NotFoundError('RESOURCE_NOT_FOUND', `Practitioner/${id} no existe.`);
    return practitionerResource(doctor, this.sys);
  }

  private async attentionDetail(id: string): Promise<AttentionDetailDto> {
    try {
      return await this.attentions.loadDetail(this.db, id, true);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw new NotFoundError('RESOURCE_NOT_FOUND', `No existe el recurso solicitado.`);
      throw error;
    }
  }

  private mapAttention(detail: AttentionDetailDto, userId: string): Resource[] {
    return attentionResources(detail, this.sys, (attachmentId) => this.signedUrl(attachmentId, userId));
  }

  /** A clinical resource by id: find its attention, map it, pick the resource. */
  async clinical(type: ClinicalType, id: string, userId: string): Promise<{ resource: Resource; patientId: string }> {
    let attentionId: string | undefined;
    if (type === 'Encounter') attentionId = id;
    else if (type === 'Condition') attentionId = await this.attentions.attentionIdOfItem(this.db, 'diagnosis', id);
    else if (type === 'MedicationRequest') attentionId = await this.attentions.attentionIdOfItem(this.db, 'prescription', id);
    else if (type === 'ServiceRequest') attentionId = await this.attentions.attentionIdOfItem(this.db, 'order', id);
    else if (type === 'Observation' && /^[0-9a-f-]{36}-[a-z0-9]+$/.test(id)) attentionId = await this.attentions.attentionIdOfItem(this.db, 'vitals', id.slice(0, 36));
    else if (type === 'DocumentReference') attentionId = await this.attentions.attentionIdOfAttachment(this.db, id);
    if (!attentionId || !/^[0-9a-f-]{36}$/.test(attentionId)) throw new NotFoundError('RESOURCE_NOT_FOUND', `${type}/${id} no existe.`);
    const detail = await this.attentionDetail(attentionId);
    const resource = this.mapAttention(detail, userId).find((r) => r.resourceType === type && r.id === id);
    if (!resource) throw new NotFoundError('RESOURCE_NOT_FOUND', `${type}/${id} no existe.`);
    return { resource, patientId: detail.patient_id };
  }

  async encounterIds(q: { patient?: string | undefined; from?: Date | undefined; to?: Date | undefined; count: number; offset: number }) {
    return this.attentions.searchIds(this.db, { patientId: q.patient, from: q.from, to: q.to, limit: q.count, offset: q.offset });
  }

  /** Every clinical resource of a patient (newest MAX_ATTENTIONS attentions), for searches and $everything. */
  async patientClinical(patientId: string, userId: string, encounter?: string): Promise<Resource[]> {
    await this.requirePatient(patientId);
    const ids = encounter ? [{ id: encounter }] : (await this.attentions.searchIds(this.db, { patientId, limit: MAX_ATTENTIONS, offset: 0 })).rows;
    const out: Resource[] = [];
    for (const { id } of ids) {
      const detail = await this.attentionDetail(id).catch(() => undefined);
      if (detail && detail.patient_id === patientId) out.push(...this.mapAttention(detail, userId));
    }
    return out;
  }

  async allergies(patientId: string): Promise<Resource[]> {
    return allergyResources(this.patients.toDto(await this.requirePatient(patientId)));
  }

  async appointmentsOf(actor: AuditActor, patientId: string | undefined, count: number, offset: number): Promise<SearchResult> {
    const page = await this.appointments.list(actor, { patient_id: patientId, limit: count, offset });
    return { resources: page.data.map(appointmentResource), total: page.total };
  }

  async appointment(actor: AuditActor, id: string): Promise<{ resource: Resource; patientId: string }> {
    const dto = await this.appointments.get(actor, id).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404) throw new NotFoundError('RESOURCE_NOT_FOUND', `Appointment/${id} no existe.`);
      throw error;
    });
    return { resource: appointmentResource(dto), patientId: dto.patient_id };
  }

  async everything(actor: AuditActor, patientId: string, userId: string): Promise<Resource[]> {
    const patient = await this.patient(patientId);
    const clinical = await this.patientClinical(patientId, userId);
    const doctorIds = new Set<string>();
    for (const r of clinical) {
      if (r.resourceType === 'Encounter') for (const p of (r.participant as { individual: { reference: string } }[])) doctorIds.add(p.individual.reference.split('/')[1]!);
    }
    const doctors = await this.users.doctorsByIds(this.db, [...doctorIds]);
    const appts = await this.appointmentsOf(actor, patientId, 100, 0);
    return [patient, ...[...doctors.values()].map((d) => practitionerResource(d, this.sys)), ...(await this.allergies(patientId)), ...clinical, ...appts.resources];
  }

  /** A finalized attention as a FHIR document Bundle (Composition first), as RENHICE expects. */
  async document(attentionId: string, userId: string, baseUrl: string): Promise<{ bundle: Resource; patientId: string }> {
    const detail = await this.attentionDetail(attentionId);
    if (detail.estado !== 'FINALIZADA') throw new AppError(409, 'ATTENTION_NOT_FINALIZED', 'Conflicto', 'Solo una atención finalizada tiene documento clínico.');
    // Inside the document every reference must resolve to an entry: the appointment is not part of it.
    const resources = this.mapAttention(detail, userId).map((r) => (r.resourceType === 'Encounter' ? { ...r, appointment: undefined } : r));
    const patient = await this.patient(detail.patient_id);
    const doctor = await this.practitioner(detail.doctor_id).catch(() => undefined);
    const section = (title: string, type: string) => {
      const entries = resources.filter((r) => r.resourceType === type).map((r) => ({ reference: `${type}/${r.id}` }));
      return entries.length ? [{ title, entry: entries }] : [];
    };
    const composition: Resource = {
      resourceType: 'Composition', id: detail.id, status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '34108-1', display: 'Outpatient Note' }], text: 'Consulta externa' },
      subject: { reference: `Patient/${detail.patient_id}` }, encounter: { reference: `Encounter/${detail.id}` },
      date: detail.finalizedAt!, author: [{ reference: `Practitioner/${detail.doctor_id}` }], title: 'Atención de consulta externa',
      attester: [{ mode: 'legal', time: detail.finalizedAt!, party: { reference: `Practitioner/${detail.doctor_id}` } }],
      section: [...section('Diagnósticos', 'Condition'), ...section('Signos vitales', 'Observation'), ...section('Prescripciones', 'MedicationRequest'), ...section('Órdenes', 'ServiceRequest'), ...section('Documentos', 'DocumentReference')],
    };
    // Relative references resolve against each entry's absolute fullUrl (FHIR bundle rules).
    const entries = [composition, patient, ...(doctor ? [doctor] : []), ...resources]
      .map((r) => ({ fullUrl: `${baseUrl}/${r.resourceType}/${r.id}`, resource: JSON.parse(JSON.stringify(r)) as Resource }));
    const bundle: Resource = {
      resourceType: 'Bundle', id: `doc-${detail.id}`, identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${detail.id}` },
      type: 'document', timestamp: detail.finalizedAt!, entry: entries,
    };
    return { bundle, patientId: detail.patient_id };
  }
}
