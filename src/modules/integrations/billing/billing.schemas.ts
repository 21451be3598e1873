import { z } from 'zod';
import { isoDate, text } from '../../../shared/http/validators.js';
import { seguroSchema } from '../../appointments/appointments.schemas.js';
import { ESTADOS_CITA, INFO_PAGO, type InfoPago } from '../../appointments/status.js';
import { patientFields, patientRuleErrors } from '../../patients/patients.schemas.js';

/** The billing system's wording, matched case-insensitively. */
const ESTADO_PAGO = { pagado: 'PAGADO', pendiente: 'PENDIENTE', anulado: 'ANULADO', seguro: 'SEGURO' } as const satisfies Record<string, InfoPago>;
type EstadoPagoKey = keyof typeof ESTADO_PAGO;
const estadoPagoKeys = Object.keys(ESTADO_PAGO) as [EstadoPagoKey, ...EstadoPagoKey[]];

const estadoPago = z.string().trim().toLowerCase()
  .pipe(z.enum(estadoPagoKeys, { message: 'Use Pagado, Pendiente, Anulado o Seguro' }))
  .transform((v) => ESTADO_PAGO[v]);

const amount = z.number({ message: 'Debe ser un número' }).min(0, 'No puede ser negativo').max(1_000_000, 'Monto fuera de rango')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'Máximo dos decimales');

/** "HH:MM" as the document asks; "HH:MM:SS" is accepted and read as HH:MM. */
const horaCita = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'Use el formato HH:MM (24 horas)').transform((v) => v.slice(0, 5));

export const saleTransaction = z.strictObject({
  idTransaccionVentas: text(100),
  fechaHoraVenta: z.iso.datetime({ offset: true, message: 'Use fecha y hora ISO 8601 con zona (AAAA-MM-DDTHH:MM:SSZ)' }),
  montoPagado: amount,
  metodoPago: text(40).optional().nullable(),
  estadoPago,
  /** Extension of the document's contract: the insurance behind a "Seguro" sale. */
  seguro: seguroSchema.optional().nullable(),
});

/** Any field of the patient API (the document allows "otros datos demográficos y clínicos"); the document number is the UPSERT key. */
export const salePatient = z.strictObject({
  ...patientFields,
  numeroDocumento: patientFields.numeroDocumento.unwrap().unwrap(),
}).superRefine((value, ctx) => {
  for (const e of patientRuleErrors(value, { requireApoderadoForMinors: false })) {
    ctx.addIssue({ code: 'custom', path: e.path.split('.'), message: e.message });
  }
});

export const saleService = z.strictObject({
  idServicioVentas: text(64),
  nombreServicio: text(150),
  medicoAsignadoIdentificador: text(64),
  fechaCita: isoDate,
  horaCita,
  observacionesVenta: text(500).optional().nullable(),
  codigoExternoCita: text(64).optional().nullable(),
});

export const saleBody = z.strictObject({
  transaccionVenta: saleTransaction,
  paciente: salePatient,
  servicioMedico: saleService,
  referenciaCitaHCE: text(64).optional().nullable(),
}).superRefine((v, ctx) => {
  if (v.transaccionVenta.seguro && v.transaccionVenta.estadoPago !== 'SEGURO') {
    ctx.addIssue({ code: 'custom', path: ['transaccionVenta', 'seguro'], message: 'Los datos del seguro solo aplican con estadoPago Seguro.' });
  }
});
export type SaleInput = z.infer<typeof saleBody>;

export const ACCIONES = ['CREADA', 'ACTUALIZADA', 'SIN_CAMBIOS'] as const;
export const RECONCILIACIONES = ['REFERENCIA_HCE', 'CODIGO_EXTERNO', 'COINCIDENCIA', 'NUEVA'] as const;
export type Accion = (typeof ACCIONES)[number];
export type Reconciliacion = (typeof RECONCILIACIONES)[number];

export const saleResponse = z.object({
  patient_id: z.uuid(),
  appointment_id: z.uuid().nullable().describe('null solo para una venta anulada que no corresponde a ninguna cita'),
  accion: z.enum(ACCIONES),
  reconciliacion: z.enum(RECONCILIACIONES).nullable(),
  idTransaccionVentas: z.string(),
  infoPago: z.enum(INFO_PAGO),
  estadoCita: z.enum(ESTADOS_CITA).nullable(),
  accionPaciente: z.enum(['CREADO', 'ACTUALIZADO', 'SIN_CAMBIOS']),
  observaciones: z.array(z.string()).describe('Diferencias que el HCE no aplicó y quedan para la conciliación'),
});
export type SaleResponse = z.infer<typeof saleResponse>;
