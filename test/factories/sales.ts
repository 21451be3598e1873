import { randomBytes } from 'node:crypto';

/** A billing-system sale (RF7.1 webhook body) for a new DNI, booked with the doctor `cmp` at `fecha`/`hora`. */
export function salePayload(o: { cmp: string; fecha: string; hora: string; id?: string; dni?: string }) {
  return {
    transaccionVenta: { idTransaccionVentas: o.id ?? `SALE-${randomBytes(6).toString('hex')}`, fechaHoraVenta: '2026-11-20T10:00:00-05:00', montoPagado: 60, metodoPago: 'Efectivo', estadoPago: 'Pagado' },
    paciente: { tipoDocumento: 'DNI', numeroDocumento: o.dni ?? String(40_000_000 + Math.floor(Math.random() * 9_000_000)), nombres: 'Zoila Rosa',
      apellidoPaterno: 'Chunga', apellidoMaterno: 'Silupú', fechaNacimiento: '1990-07-01', sexo: 'F' },
    servicioMedico: { idServicioVentas: 'SV-CONS-MG', nombreServicio: 'Consulta de medicina general', medicoAsignadoIdentificador: o.cmp, fechaCita: o.fecha, horaCita: o.hora },
  };
}

/** Delivers a sale over HTTP with the integration key, as the billing system does. */
export function deliverSale(base: string, apiKey: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/v1/integracion/venta-servicio`, {
    method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
