import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { timeInLima, todayInLima } from '../../shared/time.js';
import type { PricesService } from '../appointments/prices.service.js';
import { inForceOn } from '../appointments/prices.service.js';
import type { ServiceTypesService } from '../appointments/service-types.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { PatientsService } from '../patients/patients.service.js';
import type { Period } from '../reports/period.js';
import type { UsersService } from '../users/users.service.js';
import { billingRepository, type AppointmentLine, type AttentionOnly } from './billing.repository.js';
import type { BillingLine, BillingServicesReport, ReconciliationItem, ReconciliationReport } from './billing.schemas.js';
import { lineAmounts, round2, SUNAT_TIPO_DOCUMENTO } from './igv.js';

/** Billing readiness: invoice-ready lines of attended services and the reconciliation report. */
export class BillingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
    private readonly users: UsersService,
    private readonly serviceTypes: ServiceTypesService,
    private readonly prices: PricesService,
    private readonly config: AppConfig,
  ) {}

  private async people(patientIds: string[], doctorIds: string[]) {
    const [patients, doctors] = await Promise.all([this.patients.summariesByIds(this.db, patientIds), this.users.doctorsByIds(this.db, doctorIds)]);
    return { patients, doctors };
  }

  /** One audit event for the report and one per patient it shows, so each patient's access log lists it. */
  private async auditReport(actor: AuditActor, report: string, period: Period, patientIds: string[], total: number): Promise<void> {
    await this.audit.recordRead(actor, [
      { action: 'REPORT_BILLING', entity: 'report', details: { report, desde: period.desde, hasta: period.hasta, total } },
      ...[...new Set(patientIds)].map((patientId) => ({ action: 'REPORT_PATIENT_INCLUDED', entity: 'report', patientId, details: { report } })),
    ]);
  }

  async services(actor: AuditActor, period: Period, q: { estado?: string | undefined; limit: number; offset: number }): Promise<BillingServicesReport> {
    const [appts, loose] = await Promise.all([
      billingRepository.attended(this.db, period.desde, period.hasta, q.estado),
      q.estado ? Promise.resolve([] as AttentionOnly[]) : billingRepository.finalizedWithoutAppointment(this.db, period.desde, period.hasta),
    ]);
    const typeIds = appts.map((a) => a.serviceTypeId);
    const [{ patients, doctors }, types, tariffs] = await Promise.all([
      this.people([...appts.map((a) => a.patientId), ...loose.map((a) => a.patientId)], [...appts.map((a) => a.doctorId), ...loose.map((a) => a.doctorId)]),
      this.serviceTypes.findByIds(this.db, typeIds), this.prices.history(this.db, typeIds),
    ]);
    const rate = this.config.IGV_PORCENTAJE;
    const person = (patientId: string, doctorId: string) => {
      const p = patients.get(patientId);
      const d = doctors.get(doctorId);
      return {
        paciente: {
          id: patientId, nombreCompleto: p?.nombreCompleto ?? '', tipoDocumento: p?.tipoDocumento ?? '', codigoTipoDocumentoSunat: SUNAT_TIPO_DOCUMENTO[p?.tipoDocumento ?? ''] ?? '0',
          numeroDocumento: p?.numeroDocumento ?? null, numeroHistoriaClinica: p?.numeroHistoriaClinica ?? '',
        },
        medico: { id: doctorId, nombreCompleto: d?.nombreCompleto ?? '', cmp: d?.cmp ?? null },
      };
    };
    const lines: BillingLine[] = appts.map((a) => {
      const type = types.get(a.serviceTypeId);
      const tariff = inForceOn(tariffs.get(a.serviceTypeId) ?? [], a.fecha);
      // The appointment's snapshot is the price agreed when booking; older rows fall back to the tariff then in force.
      const precio = a.precio !== null ? Number(a.precio) : tariff ? Number(tariff.precio) : type ? Number(type.precio) : null;
      const codigo = tariff?.codigoAfectacionIgv ?? '10';
      const amounts = precio === null ? null : lineAmounts(precio, codigo, rate);
      return {
        origen: 'CITA', appointment_id: a.id, attention_id: a.attentionId, fecha: a.fecha, hora: a.hora, estadoPago: a.infoPago,
        idTransaccionVentas: a.idTransaccionVentas, codigoExternoCita: a.codigoExternoCita,
        seguro: a.seguro ? { tipo: a.seguro.tipo, aseguradora: a.seguro.aseguradora } : null, ...person(a.patientId, a.doctorId),
        servicio: type ? {
          id: type.id, codigo: type.codigo, codigoVentas: type.codigoVentas, nombre: type.nombre, codigoCpms: type.codigoCpms,
          codigoProductoSunat: tariff?.codigoProductoSunat ?? null, unidadMedida: tariff?.unidadMedida ?? 'ZZ',
        } : null,
        moneda: 'PEN', precio: amounts?.total ?? null, valorVenta: amounts?.valorVenta ?? null, igv: amounts?.igv ?? null, porcentajeIgv: rate,
        codigoAfectacionIgv: codigo, precioIncluyeIgv: true, tarifaRegistrada: Boolean(tariff),
      };
    });
    for (const x of loose) {
      lines.push({
        origen: 'ATENCION_SIN_CITA', appointment_id: null, attention_id: x.id, fecha: todayInLima(x.fechaAtencion), hora: timeInLima(x.fechaAtencion), estadoPago: null,
        idTransaccionVentas: null, codigoExternoCita: null, seguro: null, ...person(x.patientId, x.doctorId), servicio: null,
        moneda: 'PEN', precio: null, valorVenta: null, igv: null, porcentajeIgv: rate, codigoAfectacionIgv: null, precioIncluyeIgv: true, tarifaRegistrada: false,
      });
    }
    lines.sort((a, b) => a.fecha.localeCompare(b.fecha) || (a.hora ?? '99').localeCompare(b.hora ?? '99'));
    const page = lines.slice(q.offset, q.offset + q.limit);
    await this.auditReport(actor, 'billing-services', period, page.map((l) => l.paciente.id), lines.length);
    const sum = (f: (l: BillingLine) => number | null) => round2(lines.reduce((acc, l) => acc + (f(l) ?? 0), 0));
    return {
      desde: period.desde, hasta: period.hasta,
      totales: { lineas: lines.length, importe: sum((l) => l.precio), valorVenta: sum((l) => l.valorVenta), igv: sum((l) => l.igv) },
      data: page, total: lines.length, limit: q.limit, offset: q.offset,
    };
  }

  async reconciliation(actor: AuditActor, period: Period): Promise<ReconciliationReport> {
    const today = todayInLima();
    const [unpaid, paidNotAttended, cancelledPaid, loose] = await Promise.all([
      billingRepository.attendedUnpaid(this.db, period.desde, period.hasta),
      billingRepository.paidNotAttended(this.db, period.desde, period.hasta, today),
      billingRepository.cancelledPaid(this.db, period.desde, period.hasta),
      billingRepository.finalizedWithoutAppointment(this.db, period.desde, period.hasta),
    ]);
    const appts = [...unpaid, ...paidNotAttended, ...cancelledPaid];
    const [{ patients, doctors }, types] = await Promise.all([
      this.people([...appts.map((a) => a.patientId), ...loose.map((a) => a.patientId)], [...appts.map((a) => a.doctorId), ...loose.map((a) => a.doctorId)]),
      this.serviceTypes.findByIds(this.db, appts.map((a) => a.serviceTypeId)),
    ]);
    const who = (patientId: string, doctorId: string) => ({
      paciente: { id: patientId, nombreCompleto: patients.get(patientId)?.nombreCompleto ?? '', numeroHistoriaClinica: patients.get(patientId)?.numeroHistoriaClinica ?? '' },
      medico: { id: doctorId, nombreCompleto: doctors.get(doctorId)?.nombreCompleto ?? '' },
    });
    const item = (a: AppointmentLine): ReconciliationItem => {
      const type = types.get(a.serviceTypeId);
      return {
        appointment_id: a.id, attention_id: a.attentionId, fecha: a.fecha, hora: a.hora, estado: a.estado, infoPago: a.infoPago,
        idTransaccionVentas: a.idTransaccionVentas, codigoExternoCita: a.codigoExternoCita, ...who(a.patientId, a.doctorId),
        servicio: type ? { codigo: type.codigo, nombre: type.nombre } : null, precio: a.precio !== null ? Number(a.precio) : type ? Number(type.precio) : null,
      };
    };
    const list = (items: ReconciliationItem[]) => ({ total: items.length, importe: round2(items.reduce((acc, i) => acc + (i.precio ?? 0), 0)), data: items });
    const looseItems = loose.map((x): ReconciliationItem => ({
      appointment_id: null, attention_id: x.id, fecha: todayInLima(x.fechaAtencion), hora: timeInLima(x.fechaAtencion), estado: null, infoPago: null,
      idTransaccionVentas: null, codigoExternoCita: null, ...who(x.patientId, x.doctorId), servicio: null, precio: null,
    }));
    await this.auditReport(actor, 'conciliacion', period, [...appts.map((a) => a.patientId), ...loose.map((a) => a.patientId)], appts.length + loose.length);
    return {
      desde: period.desde, hasta: period.hasta,
      atendidasNoPagadas: list(unpaid.map(item)), pagadasNoAtendidas: list(paidNotAttended.map(item)),
      canceladasConPago: list(cancelledPaid.map(item)), atencionesSinCita: list(looseItems),
    };
  }
}
