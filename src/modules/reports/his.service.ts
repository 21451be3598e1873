import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { ValidationError } from '../../shared/errors.js';
import { ageInYears, timeInLima } from '../../shared/time.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { ubigeo } from '../catalogs/ubigeo.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { UsersService } from '../users/users.service.js';
import { financiador } from './financiador.js';
import { reportsRepository } from './reports.repository.js';

/** Age as the HIS sheet writes it: years (A), or months (M) under one year, or days (D) under one month. */
export function hisAge(birth: string, on: string): { edad: number; tipoEdad: 'A' | 'M' | 'D' } {
  const years = ageInYears(birth, on);
  if (years >= 1) return { edad: years, tipoEdad: 'A' };
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const months = (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
  if (months >= 1) return { edad: months, tipoEdad: 'M' };
  return { edad: Math.round((Date.UTC(y, m - 1, d) - Date.UTC(by, bm - 1, bd)) / 86_400_000), tipoEdad: 'D' };
}

/**
 * The daily outpatient register of one doctor in the shape of MINSA's HIS sheet. Private
 * clinics report to SUSALUD rather than HIS; this is for the clinic's own use and agreements.
 */
export class HisService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async register(actor: AuditActor, fecha: string, doctorId: string) {
    const doctor = (await this.users.doctorsByIds(this.db, [doctorId])).get(doctorId);
    if (!doctor) throw new ValidationError([{ path: 'doctor_id', message: 'El médico no existe.' }]);
    const filter = { desde: fecha, hasta: fecha, doctorId };
    const [facts, diagnoses, orders] = await Promise.all([
      reportsRepository.attentionFacts(this.db, filter), reportsRepository.diagnosisFacts(this.db, filter), reportsRepository.orderFacts(this.db, filter),
    ]);
    const patients = await this.patients.summariesByIds(this.db, facts.map((f) => f.patientId));
    const data = facts.map((f, i) => {
      const p = patients.get(f.patientId);
      const place = f.ubigeo ? ubigeo().byInei(f.ubigeo) : undefined;
      return {
        numero: i + 1, attention_id: f.id, patient_id: f.patientId, fecha: f.fecha, hora: timeInLima(f.fechaAtencion),
        tipoDocumento: p?.tipoDocumento ?? '', numeroDocumento: p?.numeroDocumento ?? null, numeroHistoriaClinica: p?.numeroHistoriaClinica ?? '',
        nombreCompleto: p?.nombreCompleto ?? '', ...hisAge(f.fechaNacimiento, f.fecha), sexo: f.sexo,
        ubigeo: f.ubigeo, distrito: place?.distrito ?? null, financiador: financiador(f.infoPago, f.seguroTipo),
        servicio: f.servicioNombre, especialidad: f.especialidad, tipoAtencion: f.tipoAtencion,
        estadoEstablecimiento: f.estadoEstablecimiento, estadoServicio: f.estadoServicio,
        diagnosticos: diagnoses.filter((d) => d.attentionId === f.id).map((d) => ({
          cie_code: d.cieCode, descripcion: d.description, tipoHis: d.repetido ? 'R' as const : d.type === 'DEFINITIVO' ? 'D' as const : 'P' as const,
        })),
        procedimientos: orders.filter((o) => o.attentionId === f.id).map((o) => ({
          tipo: o.tipo, codigo: o.procedureCode, nombre: o.procedureName, numeroOrden: o.numeroOrden,
        })),
      };
    });
    await this.audit.recordRead(actor, {
      action: 'REPORT_GENERATED', entity: 'report',
      details: { reporte: 'his', fecha, doctor_id: doctorId, filas: data.length, patientIds: [...new Set(facts.map((f) => f.patientId))] },
    });
    return {
      fecha, establecimiento: { nombre: this.config.CLINIC_NAME, codigoIpress: this.config.IPRESS_CODE ?? null },
      doctor: { id: doctor.id, nombreCompleto: doctor.nombreCompleto, cmp: doctor.cmp, especialidad: doctor.especialidad },
      total: data.length, data,
    };
  }
}
