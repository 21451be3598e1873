import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { AppError } from '../../shared/errors.js';
import { todayInLima } from '../../shared/time.js';
import type { AppointmentsService } from '../appointments/appointments.service.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { IntegrationError } from '../integrations/http/integration-errors.js';
import type { ProxyAnswer } from '../integrations/http/proxy-support.js';
import type { LisService } from '../integrations/lis/lis.service.js';
import type { PacsService } from '../integrations/pacs/pacs.service.js';
import type { PatientsService } from './patients.service.js';
import type { PatientSummaryDto, Section } from './summary.schemas.js';

export interface SummaryDeps {
  db: Db;
  logger: Logger;
  audit: AuditService;
  patients: PatientsService;
  attentions: AttentionsService;
  appointments: AppointmentsService;
  pacs: PacsService;
  lis: LisService;
}

const RECENT_ATTENTIONS = 5;
const UPCOMING_APPOINTMENTS = 10;

function ok<T>(data: T): Section<T> {
  return { status: 'ok', data };
}

/**
 * The doctor's unified view of a patient (the document's section 1.2): the record's own
 * data, then PACS and LIS fetched in parallel with it. Every section carries its own status,
 * so a slow or broken system costs only its section; the whole view is audited once.
 */
export class PatientSummaryService {
  constructor(private readonly deps: SummaryDeps) {}

  private async local<T>(name: string, load: () => Promise<T>): Promise<Section<T>> {
    try {
      return ok(await load());
    } catch (error) {
      this.deps.logger.error({ err: error, section: name }, 'patient summary section failed');
      return { status: 'error', data: null, error: { code: 'INTERNAL_ERROR', detail: 'No se pudo cargar esta sección.' } };
    }
  }

  private async external<T>(name: string, load: () => Promise<ProxyAnswer<T>>): Promise<Section<T[]>> {
    try {
      const answer = await load();
      return {
        status: answer.stale ? 'stale' : 'ok', data: answer.data, source: answer.source, fetchedAt: answer.fetchedAt,
        ...(answer.staleReason ? { error: { code: answer.staleReason, detail: 'El sistema no respondió; se muestra su última respuesta válida.' } } : {}),
      };
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'NOT_CONFIGURED') {
        return { status: 'not_configured', data: null, error: { code: error.code, detail: error.detail ?? error.title } };
      }
      if (error instanceof AppError) return { status: 'error', data: null, error: { code: error.code, detail: error.detail ?? error.title } };
      this.deps.logger.error({ err: error, section: name }, 'patient summary section failed');
      return { status: 'error', data: null, error: { code: 'INTERNAL_ERROR', detail: 'No se pudo consultar el sistema externo.' } };
    }
  }

  async summary(actor: AuditActor, patientId: string): Promise<PatientSummaryDto> {
    const { db, patients, attentions, appointments, pacs, lis, audit } = this.deps;
    const row = await patients.require(db, patientId);
    const dto = patients.toDto(row);
    const [atenciones, citasProximas, estudiosImagen, resultadosLaboratorio] = await Promise.all([
      this.local('atenciones', async () => (await attentions.recentWithDiagnoses(db, row.id, RECENT_ATTENTIONS)).map(({ row: a, doctor, diagnoses }) => ({
        id: a.id, attention_id: a.id, appointment_id: a.appointmentId, fechaAtencion: a.fechaAtencion.toISOString(), tipoAtencion: a.tipoAtencion,
        motivoConsulta: a.motivoConsulta, estado: a.estado,
        doctor: { id: a.doctorId, nombreCompleto: doctor?.nombreCompleto ?? '', especialidad: doctor?.especialidad ?? null },
        diagnosticos: diagnoses,
      }))),
      this.local('citasProximas', async () => appointments.toDtos(db, await appointments.integrations.upcoming(db, row.id, todayInLima(), UPCOMING_APPOINTMENTS))),
      this.external('estudiosImagen', () => pacs.studies(row)),
      this.external('resultadosLaboratorio', () => lis.results(row)),
    ]);
    const summary: PatientSummaryDto = {
      patient_id: row.id,
      generatedAt: new Date().toISOString(),
      paciente: ok(dto),
      alergias: ok(dto.alergias),
      antecedentes: ok(dto.antecedentesCronicos),
      medicacionActual: ok(dto.medicacionActual),
      atenciones, citasProximas, estudiosImagen, resultadosLaboratorio,
    };
    await audit.recordRead(actor, {
      action: 'PATIENT_SUMMARY_VIEWED', entity: 'patient', entityId: row.id, patientId: row.id,
      details: {
        secciones: { atenciones: atenciones.status, citasProximas: citasProximas.status, estudiosImagen: estudiosImagen.status, resultadosLaboratorio: resultadosLaboratorio.status },
        attentionIds: atenciones.data?.map((a) => a.id) ?? [], appointmentIds: citasProximas.data?.map((a) => a.id) ?? [],
        estudios: estudiosImagen.data?.length ?? null, resultados: resultadosLaboratorio.data?.length ?? null,
      },
    });
    return summary;
  }
}
