import type { AppInstance } from '../../app.js';
import { errorResponses } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { sendCsv, toCsv } from '../reports/csv.js';
import { resolvePeriod } from '../reports/period.js';
import { billingServicesQuery, billingServicesSchema, reconciliationQuery, reconciliationSchema, type BillingServicesReport, type ReconciliationReport } from './billing.schemas.js';

function servicesCsv(r: BillingServicesReport): string {
  return toCsv(
    ['origen', 'fecha', 'hora', 'appointment_id', 'attention_id', 'id_transaccion_ventas', 'codigo_externo_cita', 'estado_pago', 'paciente', 'tipo_documento_sunat',
      'numero_documento', 'historia_clinica', 'medico', 'cmp', 'servicio_codigo', 'codigo_ventas', 'servicio', 'codigo_cpms', 'codigo_producto_sunat', 'unidad_medida',
      'moneda', 'precio', 'valor_venta', 'igv', 'codigo_afectacion_igv'],
    r.data.map((l) => [
      l.origen, l.fecha, l.hora, l.appointment_id, l.attention_id, l.idTransaccionVentas, l.codigoExternoCita, l.estadoPago, l.paciente.nombreCompleto,
      l.paciente.codigoTipoDocumentoSunat, l.paciente.numeroDocumento, l.paciente.numeroHistoriaClinica, l.medico.nombreCompleto, l.medico.cmp,
      l.servicio?.codigo, l.servicio?.codigoVentas, l.servicio?.nombre, l.servicio?.codigoCpms, l.servicio?.codigoProductoSunat, l.servicio?.unidadMedida,
      l.moneda, l.precio, l.valorVenta, l.igv, l.codigoAfectacionIgv,
    ]),
  );
}

function reconciliationCsv(r: ReconciliationReport): string {
  const lists = [['ATENDIDA_NO_PAGADA', r.atendidasNoPagadas], ['PAGADA_NO_ATENDIDA', r.pagadasNoAtendidas], ['CANCELADA_CON_PAGO', r.canceladasConPago], ['ATENCION_SIN_CITA', r.atencionesSinCita]] as const;
  return toCsv(
    ['lista', 'fecha', 'hora', 'appointment_id', 'attention_id', 'estado', 'info_pago', 'id_transaccion_ventas', 'codigo_externo_cita', 'paciente', 'historia_clinica', 'medico', 'servicio', 'precio'],
    lists.flatMap(([name, list]) => list.data.map((i) => [
      name, i.fecha, i.hora, i.appointment_id, i.attention_id, i.estado, i.infoPago, i.idTransaccionVentas, i.codigoExternoCita,
      i.paciente.nombreCompleto, i.paciente.numeroHistoriaClinica, i.medico.nombreCompleto, i.servicio?.codigo, i.precio,
    ])),
  );
}

export async function billingRoutes(app: AppInstance): Promise<void> {
  const { billing } = app.ctx.services;

  app.get('/api/v1/billing/services', {
    config: { permission: 'reports:read' },
    schema: {
      tags: ['facturación'], summary: 'Servicios atendidos como líneas de comprobante (paciente, médico, servicio, códigos SUNAT, precio con IGV, estado de pago, idTransaccionVentas; ?formato=csv)',
      querystring: billingServicesQuery, response: { 200: billingServicesSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const csv = request.query.formato === 'csv';
    const report = await billing.services(actorFrom(request), period, {
      estado: request.query.estado, limit: csv ? Number.MAX_SAFE_INTEGER : request.query.limit, offset: csv ? 0 : request.query.offset,
    });
    return csv ? sendCsv(reply, `servicios_${period.desde}_${period.hasta}.csv`, servicesCsv(report)) : report;
  });

  app.get('/api/v1/reports/conciliacion', {
    config: { permission: 'reports:read' },
    schema: {
      tags: ['facturación'], summary: 'Conciliación con cobranza: atendidas no pagadas, pagadas no atendidas, canceladas con pago y atenciones sin cita (?formato=csv)',
      querystring: reconciliationQuery, response: { 200: reconciliationSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const report = await billing.reconciliation(actorFrom(request), period);
    return request.query.formato === 'csv' ? sendCsv(reply, `conciliacion_${period.desde}_${period.hasta}.csv`, reconciliationCsv(report)) : report;
  });
}
