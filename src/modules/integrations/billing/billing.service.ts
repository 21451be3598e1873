import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../../db/client.js';
import { exclusionViolation, isSerializationFailure, uniqueViolation } from '../../../shared/db-errors.js';
import { AppError, ConflictError } from '../../../shared/errors.js';
import { ESTADOS_CITA } from '../../appointments/status.js';
import type { AuditActor, AuditEvent, AuditService } from '../../audit/audit.service.js';
import type { PatientsService } from '../../patients/patients.service.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import { salesRepository, type BillingTransactionRow, type IntegrationLogEntry } from './billing.repository.js';
import { mapDoctor, mapServiceType, reconcileAppointment, type ReconcileDeps } from './billing.reconcile.js';
import { saleResponse, type SaleInput, type SaleResponse } from './billing.schemas.js';

export interface SalesWebhookDeps extends ReconcileDeps {
  db: Db;
  audit: AuditService;
  patients: PatientsService;
  outbox: OutboxService;
  logger: Logger;
}

export interface SaleOutcome {
  body: SaleResponse;
  /** An identical repeat: the stored answer, nothing written. */
  replayed: boolean;
}

/**
 * RF7.1: a sale from the billing system becomes a patient (UPSERT) and a paid appointment
 * (reconciled in the document's order), in one transaction. Deliveries of one
 * idTransaccionVentas are serialised inside the database (advisory lock, then the unique
 * transaction row), so any number of concurrent deliveries, from any number of API
 * processes, produce one patient and one appointment.
 */
export class SalesWebhookService {
  constructor(private readonly deps: SalesWebhookDeps) {
    deps.patients.onMerge(async (tx, fromId, intoId) => ({ billingTransactions: await salesRepository.movePatient(tx, fromId, intoId) }));
  }

  async receive(actor: AuditActor, sale: SaleInput, payloadSha256: string): Promise<SaleOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.deps.db.transaction((tx) => this.process(tx, actor, sale, payloadSha256));
        if (outcome.replayed) {
          await this.deps.audit.recordStandalone(actor, {
            action: 'BILLING_SALE_REPLAYED', entity: 'billing_transaction', entityId: sale.transaccionVenta.idTransaccionVentas,
            patientId: outcome.body.patient_id, details: { payloadSha256, appointment_id: outcome.body.appointment_id },
          });
        }
        return outcome;
      } catch (error) {
        // Another writer (the agenda UI, a different sale) took the slot, code or catalog row
        // between our read and our write: once more, now seeing it (it becomes an overbooking).
        const race = exclusionViolation(error) !== undefined || uniqueViolation(error) !== undefined || isSerializationFailure(error);
        if (attempt === 0 && race && !(error instanceof AppError)) continue;
        throw error;
      }
    }
  }

  private async process(tx: Tx, actor: AuditActor, sale: SaleInput, payloadSha256: string): Promise<SaleOutcome> {
    const { transaccionVenta: tv } = sale;
    const id = tv.idTransaccionVentas;
    // Billing already knows what its own sale changed: no echo through the outbox.
    this.deps.outbox.suppressFor(tx);
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`billing-sale:${id}`}, 0))`);
    const previous = await salesRepository.findForUpdate(tx, id);
    if (previous && previous.payloadSha256 === payloadSha256) return { body: saleResponse.parse(previous.respuesta), replayed: true };
    if (previous?.anulada && tv.estadoPago !== 'ANULADO') {
      throw new ConflictError('TRANSACTION_ANNULLED', 'La transacción fue anulada y una anulación es definitiva: regístrela como una venta nueva.', { idTransaccionVentas: id },
        [{ path: 'transaccionVenta.estadoPago', message: 'Transacción anulada' }]);
    }
    const doctor = await mapDoctor(this.deps, tx, sale.servicioMedico.medicoAsignadoIdentificador);
    const serviceType = await mapServiceType(this.deps, tx, actor, sale, doctor);
    const patient = await this.deps.patients.upsertFromBilling(tx, actor, sale.paciente);
    const result = await reconcileAppointment(this.deps, tx, actor, { sale, patient: patient.row, doctor, serviceType, previous });
    const changed = result.changed || patient.accion !== 'SIN_CAMBIOS';
    const body: SaleResponse = {
      patient_id: patient.row.id,
      appointment_id: result.appointment?.id ?? null,
      accion: result.created ? 'CREADA' : changed ? 'ACTUALIZADA' : 'SIN_CAMBIOS',
      reconciliacion: result.via,
      idTransaccionVentas: id,
      infoPago: tv.estadoPago,
      estadoCita: ESTADOS_CITA.find((e) => e === result.appointment?.estado) ?? null,
      accionPaciente: patient.accion,
      observaciones: result.observaciones,
    };
    // The transaction row and its audit row are one statement.
    const event: AuditEvent = {
      action: 'BILLING_SALE_PROCESSED', entity: 'billing_transaction', entityId: id, patientId: patient.row.id,
      details: {
        accion: body.accion, reconciliacion: body.reconciliacion, accionPaciente: body.accionPaciente, appointment_id: body.appointment_id,
        infoPago: tv.estadoPago, montoPagado: tv.montoPagado, metodoPago: tv.metodoPago ?? null, fechaHoraVenta: tv.fechaHoraVenta,
        service_type_id: serviceType.id, doctor_id: doctor.id, observaciones: body.observaciones.length, payloadSha256, entrega: (previous?.entregas ?? 0) + 1,
      },
    };
    await this.store(tx, actor, previous, { sale, payloadSha256, body }, event);
    return { body, replayed: false };
  }

  private async store(tx: Tx, actor: AuditActor, previous: BillingTransactionRow | undefined, s: { sale: SaleInput; payloadSha256: string; body: SaleResponse }, event: AuditEvent): Promise<void> {
    const infoPago = s.sale.transaccionVenta.estadoPago;
    const observaciones = [...new Set([...(previous?.observaciones ?? []), ...s.body.observaciones])];
    const values = {
      payloadSha256: s.payloadSha256, infoPago, anulada: Boolean(previous?.anulada) || infoPago === 'ANULADO',
      patientId: s.body.patient_id, appointmentId: s.body.appointment_id, reconciliacion: s.body.reconciliacion,
      respuesta: s.body, observaciones, requiereRevision: observaciones.length > 0,
    };
    if (previous) await salesRepository.update(tx, previous.id, values, this.deps.audit.recordWith(tx, actor, event));
    else await salesRepository.insert(tx, { ...values, idTransaccionVentas: s.sale.transaccionVenta.idTransaccionVentas, clientId: actor.actorId! }, this.deps.audit.rowsParam(actor, event));
  }

  /** One row per delivery, whatever the outcome (never the payload, only its hash). */
  async logDelivery(entry: IntegrationLogEntry): Promise<void> {
    try {
      await salesRepository.log(this.deps.db, entry);
    } catch (error) {
      this.deps.logger.error({ err: error, endpoint: entry.endpoint, statusCode: entry.statusCode }, 'integration log write failed');
    }
  }
}
