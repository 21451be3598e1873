import type { AppConfig } from '../../config/env.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { AppointmentsService } from '../appointments/appointments.service.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { patientRightsRepository as repo, type AccessLogRow } from './patient-rights.repository.js';
import type { ACCESS_KINDS, PatientExport } from './patient-rights.schemas.js';
import type { PatientsService } from './patients.service.js';

/** A section another module adds to the export (e.g. consents), or undefined to leave it out. */
export type ExportSection = (db: DbOrTx, patientId: string) => Promise<unknown>;

const PAGE = 100;
const READ_ACTION = /_(VIEWED|LIST|SEARCH|LOOKUP|EXPORTED|VERIFIED|READ|DOWNLOADED|ACCESS_LOG_VIEWED)$|^REPORT_GENERATED$/;

function kind(action: string, outcome: string): (typeof ACCESS_KINDS)[number] {
  if (outcome === 'DENIED') return 'DENEGADO';
  if (outcome === 'FAILURE') return 'FALLIDO';
  return READ_ACTION.test(action) ? 'LECTURA' : 'CAMBIO';
}

/**
 * The data subject's rights (Ley 29733 and its reglamento DS 016-2024-JUS): who read or
 * changed the record, and the complete record for an access request. Both are audited.
 */
export class PatientRightsService {
  private readonly sections = new Map<string, ExportSection>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly appointments: AppointmentsService,
    private readonly attentions: AttentionsService,
    private readonly config: AppConfig,
  ) {}

  addExportSection(name: string, section: ExportSection): void {
    this.sections.set(name, section);
  }

  private entry(r: AccessLogRow) {
    return {
      id: r.id, fecha: r.occurredAt.toISOString(), accion: r.action, tipo: kind(r.action, r.outcome), resultado: r.outcome,
      entidad: r.entity, entidadId: r.entityId, campos: r.changedFields,
      usuario: r.actorId ? { id: r.actorId, nombreCompleto: r.actorName, rol: r.actorRole } : null,
      origen: r.actorKind, ip: r.ip, requestId: r.requestId,
    };
  }

  async accessLog(actor: AuditActor, patientId: string, q: { desde?: string | undefined; hasta?: string | undefined; limit: number; offset: number }) {
    await this.patients.require(this.db, patientId);
    const ids = [patientId, ...(await repo.mergedInto(this.db, patientId))];
    const { rows, total } = await repo.accessLog(this.db, ids, { limit: q.limit, offset: q.offset, desde: q.desde ? new Date(q.desde) : undefined, hasta: q.hasta ? new Date(q.hasta) : undefined });
    await this.audit.recordRead(actor, { action: 'PATIENT_ACCESS_LOG_VIEWED', entity: 'patient', entityId: patientId, patientId, details: { total, limit: q.limit, offset: q.offset } });
    return { patient_id: patientId, data: rows.map((r) => this.entry(r)), total, limit: q.limit, offset: q.offset };
  }

  /** Every appointment and attention (deleted items included and marked), through their own services. */
  async export(actor: AuditActor, patientId: string): Promise<PatientExport> {
    const paciente = await this.patients.get(actor, patientId);
    const citas: PatientExport['citas'] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.appointments.list(actor, { patient_id: patientId, limit: PAGE, offset });
      citas.push(...page.data);
      if (offset + PAGE >= page.total) break;
    }
    const attentionIds: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.attentions.listByPatient(actor, patientId, PAGE, offset);
      attentionIds.push(...page.data.map((a) => a.id));
      if (offset + PAGE >= page.total) break;
    }
    const atenciones: PatientExport['atenciones'] = [];
    for (const id of attentionIds.reverse()) atenciones.push(await this.attentions.detail(actor, id, true));
    const secciones: Record<string, unknown> = {};
    for (const [name, load] of this.sections) {
      const value = await load(this.db, patientId);
      if (value !== undefined) secciones[name] = value;
    }
    const ids = [patientId, ...(await repo.mergedInto(this.db, patientId))];
    const counts = await repo.actionCounts(this.db, ids);
    const sum = (k: (typeof ACCESS_KINDS)[number]) => counts.filter((c) => kind(c.action, c.outcome) === k).reduce((n, c) => n + c.n, 0);
    const times = counts.flatMap((c) => [c.firstAt.getTime(), c.lastAt.getTime()]);
    const result: PatientExport = {
      formato: 'HCE-EXPORT-1', generadoEn: new Date().toISOString(), generadoPor: { id: actor.actorId ?? null, rol: actor.actorRole ?? null },
      establecimiento: { nombre: this.config.CLINIC_NAME, codigoIpress: this.config.IPRESS_CODE ?? null },
      paciente, citas, atenciones, secciones,
      auditoria: {
        totalEventos: counts.reduce((n, c) => n + c.n, 0), lecturas: sum('LECTURA'), cambios: sum('CAMBIO'), denegados: sum('DENEGADO'),
        primerEvento: times.length ? new Date(Math.min(...times)).toISOString() : null,
        ultimoEvento: times.length ? new Date(Math.max(...times)).toISOString() : null,
        porAccion: counts.map((c) => ({ accion: c.action, resultado: c.outcome, eventos: c.n, usuarios: c.actors, ultimo: c.lastAt.toISOString() })),
      },
    };
    // An export is a disclosure of the whole record: written with full durability, not as a read.
    await this.audit.record(this.db, actor, {
      action: 'PATIENT_EXPORTED', entity: 'patient', entityId: patientId, patientId,
      details: { citas: citas.length, atenciones: atenciones.length, secciones: Object.keys(secciones) },
    });
    return result;
  }
}
